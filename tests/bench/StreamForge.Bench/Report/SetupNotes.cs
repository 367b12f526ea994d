using StreamForge.Bench.Hosting;
using StreamForge.Bench.Measuring;
using StreamForge.Bench.Options;

namespace StreamForge.Bench.Report;

/// <summary>How each contender was configured, for the report's parameters section.</summary>
internal static class SetupNotes
{
    public static IReadOnlyList<string> For(BenchEnvironment env) => [.. Common(env), .. env.Options.Runs(Phase.Cache) ? Cache : []];

    /// <summary>g. How the cache phase's servers were set up.</summary>
    private static readonly string[] Cache =
    [
        "Edge cache (g): its own servers, started for the phase: a second nginx origin (same root and settings, plus an access log of " +
            "`$body_bytes_sent` and `expires 1h`), a second s3rver (large, small and cold objects; the launcher's request log when it has one), and the caches: " +
            "nginx proxy_cache (Debian's nginx-light, built `--with-http_slice_module`; `slice 8m`, `proxy_cache_lock on`, `proxy_cache_valid 200 206 1h`, " +
            "`keepalive 256`, `max_size=20g`) and the gateway's origin and S3 routes with `StreamForge:Cache` " +
            $"(`MaxSize` {CacheRig.MaxSize}; default policy `Cache`: `Enabled` true, `Ttl` {CacheRig.Ttl}, `StaleIfError` {CacheRig.StaleIfError}). " +
            "Each cache starts on an empty folder of its own, and on a new empty one for the cold stampede.",
    ];

    private static IReadOnlyList<string> Common(BenchEnvironment env) =>
    [
        "Everything on 127.0.0.1, started by the bench; contenders measured one at a time, alternating round-robin (each round starts one contender further along).",
        "Each measurement of (a), (b), (d) and (g) starts once every contender and the servers behind them are idle (under 5 % of a core over 250 ms; " +
            $"at most {ProcessCpu.LeftoverLimit.TotalSeconds:0} s, and {ProcessCpu.CompilationLimit.TotalSeconds:0} s after a contender's warm-up): a .NET contender keeps " +
            "compiling its hot path in the background for seconds after its turn, and that work would otherwise share the 2 cores with the next contender's measurement " +
            "(it set the S3 route's seek tail in earlier runs).",
        "Memory and upload figures are taken on a freshly restarted contender (same port), warmed up with one small request (uploads: four 16 MiB PUTs and " +
            $"unmeasured PUTs of the measured size until one costs the receiver no less CPU than 85 % of the one before (3 to 10), then up to {ProcessCpu.CompilationLimit.TotalSeconds:0} s for the servers' background compilation to finish, so that the measured " +
            "upload does not run on freshly jitted code or share the cores with the JIT): a .NET server keeps " +
            "the heap that earlier phases grew (64 wrk connections, 8 fast streams), and that history would otherwise set its peak RSS.",
        $"Objects: the large object is pseudo-random bytes; the huge one ({ByteSizeText.Format(env.Data.HugeSize)}, slow-client test only) is a sparse file; " +
            "all served from one folder (nginx root = gateway file store folder) and uploaded to s3rver under the same names.",
        "nginx (direct origin): `worker_processes auto` (2 workers), `sendfile on`, `tcp_nopush on`, `keepalive_requests 1000000`, access log off.",
        "nginx proxy (tuned): the origin's settings plus `proxy_buffering off; proxy_buffer_size 256k; proxy_buffers 4 256k; proxy_http_version 1.1`; " +
            "nginx proxy (default buffers): the same without the three buffer directives. Both keep idle upstream connections (`keepalive 256`, " +
            "`proxy_set_header Connection \"\"`), as YARP does.",
        "bare YARP: tests/bench/BareYarp, Yarp.ReverseProxy with one catch-all route to the origin and YARP's defaults; Release build, Server GC.",
        $"Every .NET contender (bare YARP, the gateways, bare Kestrel) runs with {DotnetServer.Gen0Budget}={DotnetServer.Gen0BudgetValue} " +
            $"and {DotnetServer.MallocArenas}={DotnetServer.MallocArenasValue}, the 4 MiB gen0 budget and the single glibc malloc arena the " +
            $"gateway's container image sets (deploy/Dockerfile), and {DotnetServer.InlineIo}={DotnetServer.InlineIoValue}, the gateway's inline " +
            "socket I/O (src/StreamForge.Gateway/Hosting/InlineIo.cs); bare YARP and bare Kestrel set Kestrel's `UnsafePreferInlineScheduling` " +
            "from that variable as the gateway does. The gateway itself runs the workstation GC (its project file).",
        "gateway: `dotnet build -c Release`, one process per gateway contender (origin route, file-store route, S3 route), each started with " +
            "`--config <generated json> --Logging:LogLevel:Default Warning`; default stream policy (ChunkSize 256 KiB, MaxBufferedBytes 320 KiB; a copy starts at 64 KiB and reads 256 KiB while its client keeps up), " +
            "except \"gateway: origin, 64 KiB chunks\" (a policy of ChunkSize 64 KiB, MaxBufferedBytes 256 KiB: the default before chunks grew); " +
            "OpenTelemetry instrumentation on as shipped, no exporter (OTEL_* unset). The generated configs are in the raw folder's logs/.",
        "S3: s3rver 3.7.1 through tests/tools/s3server/start.js (node, with V8's `--no-concurrent-array-buffer-sweeping`: its background sweeper fell behind on 2 shared cores and put s3rver into a full GC every 40-50 ms for tens of seconds at a time, see tests/bench/README.md); the gateway's S3 figures include s3rver's own speed.",
        "Clients: raw sockets reading into a reused 1 MiB buffer (large downloads in blocking reads, a thread per stream; slow clients, throttle), wrk (small objects), HttpClient (seeks, uploads). " +
            "Client, contender and origin share the machine's 2 cores.",
    ];
}
