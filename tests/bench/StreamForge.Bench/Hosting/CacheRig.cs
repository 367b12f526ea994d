using System.Diagnostics;
using StreamForge.Bench.Measuring;
using StreamForge.Bench.Options;

namespace StreamForge.Bench.Hosting;

/// <summary>
/// g. The servers of the cache phase, started when the phase begins and stopped when it ends: an origin nginx
/// that logs what it sends (the same root as the origin), an s3rver that logs what it sends (the launcher's
/// <c>--request-log</c>), and the three caches in front of them. Each cache starts on an empty cache folder
/// of its own, and again on a new empty one when it is restarted (the cold stampede). A cache contender that
/// does not start, or answers without a cache status, is noted as not available; the others are measured.
/// </summary>
internal sealed class CacheRig : IDisposable
{
    /// <summary>The gateway's cache settings for every cache contender (the brief's example; the TTL outlasts the phase).</summary>
    public const string MaxSize = "20GiB";
    public const string Ttl = "01:00:00";
    public const string StaleIfError = "00:10:00";

    private readonly BenchEnvironment _env;
    private readonly List<IDisposable> _owned = [];
    private readonly List<CacheRigContender> _contenders = [];
    private readonly List<(string Key, string Name, string Reason)> _unavailable = [];
    private ManagedServer? _origin;
    private int _originPort;
    private NginxUpstreamLog? _originLog;
    private S3Server? _s3;
    private S3UpstreamLog? _s3Log;

    private CacheRig(BenchEnvironment env, string coldName)
    {
        _env = env;
        ColdName = coldName;
    }

    /// <summary>The cold stampede's object: in the data folder and on the cache phase's s3rver, read by nobody before the stampede.</summary>
    public string ColdName { get; }

    public IReadOnlyList<CacheRigContender> Contenders => _contenders;

    public IReadOnlyList<(string Key, string Name, string Reason)> Unavailable => _unavailable;

    public static async Task<CacheRig> StartAsync(BenchEnvironment env)
    {
        var clock = Stopwatch.StartNew();
        var rig = new CacheRig(env, env.Data.AddRandom("cold", env.Options.CacheColdSize, seed: 3));
        try
        {
            await rig.StartAllAsync();
            Say($"cache phase servers up ({clock.Elapsed.TotalSeconds:0.0} s): " + string.Join(", ", rig._contenders.Select(c => $"{c.Contender.Key} {c.Contender.BaseUri.Authority}")) +
                string.Concat(rig._unavailable.Select(u => $"; {u.Key} not available")));
            return rig;
        }
        catch
        {
            rig.Dispose();
            throw;
        }
    }

    /// <summary>A cache contender answered without any cache status: it is not measured.</summary>
    public void MarkUnavailable(CacheRigContender contender, string reason)
    {
        _contenders.Remove(contender);
        _unavailable.Add((contender.Contender.Key, contender.Contender.Name, reason));
        contender.Contender.Server.Dispose();
    }

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }
    }

    private async Task StartAllAsync()
    {
        var options = _env.Options;
        var wantsOrigin = options.Includes(ContenderKeys.NginxCache) || options.Includes(ContenderKeys.GatewayOriginCache);
        if (wantsOrigin)
        {
            _originPort = FreePort.Next();
            var accessLog = Path.Combine(_env.LogDir, "cache-origin-access.log");
            _originLog = new NginxUpstreamLog(accessLog);
            _origin = await ManagedServer.StartAsync(() => NginxServer.StartAsync("nginx-cache-origin", Path.Combine(_env.WorkDir, "nginx-cache-origin"),
                prefix => NginxConfig.CacheOrigin(prefix, _originPort, _env.Data.Folder, accessLog), _originPort, _env.LogDir));
            _owned.Add(_origin);
        }

        if (options.Includes(ContenderKeys.NginxCache))
        {
            await TryStartAsync(ContenderKeys.NginxCache, "nginx proxy_cache", isGateway: false, _originLog, async (port, cacheDir) =>
                await NginxServer.StartAsync(ContenderKeys.NginxCache, Path.Combine(_env.WorkDir, ContenderKeys.NginxCache),
                    prefix => NginxConfig.CacheProxy(prefix, port, _originPort, cacheDir), port, _env.LogDir));
        }

        if (options.Includes(ContenderKeys.GatewayOriginCache))
        {
            await TryStartAsync(ContenderKeys.GatewayOriginCache, "gateway: origin cache", isGateway: true, _originLog, async (port, cacheDir) =>
                (await _env.StartGatewayAsync(ContenderKeys.GatewayOriginCache, new GatewayConfigBuilder()
                    .Cache(cacheDir, MaxSize).CachePolicy("default", Ttl, StaleIfError)
                    .Route("bench", "/{**rest}", "origin").Cluster("origin", $"http://127.0.0.1:{_originPort}/"), port)).Process);
        }

        if (options.Includes(ContenderKeys.GatewayS3Cache))
        {
            await StartS3Async();
            await TryStartAsync(ContenderKeys.GatewayS3Cache, "gateway: S3 cache", isGateway: true, _s3Log, async (port, cacheDir) =>
                (await _env.StartGatewayAsync(ContenderKeys.GatewayS3Cache, new GatewayConfigBuilder()
                    .Cache(cacheDir, MaxSize).CachePolicy("default", Ttl, StaleIfError)
                    .S3(_s3!.ServiceUrl)
                    .Route("bench", "/{**key}", "bucket").Cluster("bucket", $"s3://{S3Server.Bucket}/"), port)).Process);
        }
    }

    /// <summary>
    /// An s3rver of the phase's own, so that its request log costs the S3 figures of the other phases nothing;
    /// it holds the large, small and cold objects (not the huge one).
    /// </summary>
    private async Task StartS3Async()
    {
        var supported = S3UpstreamLog.IsSupported(_env.Paths.S3Launcher);
        var requestLog = Path.Combine(_env.LogDir, "s3rver-cache-requests.log");
        _s3Log = new S3UpstreamLog(requestLog, supported);
        if (!supported)
        {
            Say($"S3 upstream bytes: {_s3Log.Unavailable}");
        }

        _s3 = await S3Server.StartAsync(_env.Paths.S3Launcher, Path.Combine(_env.WorkDir, "s3rver-cache"), _env.LogDir, "s3rver-cache",
            supported ? requestLog : null);
        _owned.Add(_s3);
        foreach (var name in new[] { _env.Data.LargeName, ColdName }.Concat(_env.Data.SmallSizes.Select(TestData.SmallName)))
        {
            var clock = Stopwatch.StartNew();
            await _s3.PutFileAsync(name, _env.Data.PathOf(name));
            Say($"uploaded {name} to the cache phase's s3rver in {clock.Elapsed.TotalSeconds:0.0} s");
        }
    }

    /// <param name="start">Starts the cache on a port with an empty cache folder.</param>
    private async Task TryStartAsync(string key, string name, bool isGateway, UpstreamLog? log, Func<int, string, Task<ChildProcess>> start)
    {
        var port = FreePort.Next();
        var folder = Path.Combine(_env.WorkDir, key);
        var generation = 0;
        try
        {
            var server = await ManagedServer.StartAsync(() => start(port, FreshCacheFolder(folder, ++generation)));
            _owned.Add(server);
            var upstream = log == _s3Log ? (Func<ChildProcess>)(() => _s3!.Process) : () => _origin!.Process;
            _contenders.Add(new CacheRigContender(new Contender(key, name, new Uri($"http://127.0.0.1:{port}/"), server, upstream), log, isGateway));
        }
        catch (BenchException ex)
        {
            var reason = $"not available: it does not start with the cache settings ({FirstCacheProblem(ex.Message) ?? ex.Message.Split('\n')[0].Trim()})";
            _unavailable.Add((key, name, reason));
            Live.Print("cache", $"{name}: {reason}");
        }
    }

    /// <summary>A new empty folder for a (re)started cache; earlier generations are removed, so the disk holds one cache per contender.</summary>
    private static string FreshCacheFolder(string folder, int generation)
    {
        Directory.CreateDirectory(folder);
        foreach (var old in Directory.EnumerateDirectories(folder, "cache-*"))
        {
            Directory.Delete(old, recursive: true);
        }

        var path = Path.Combine(folder, $"cache-{generation}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The gateway lists every configuration problem; the first about the cache says why (as ThrottleBench does for throttling).</summary>
    private static string? FirstCacheProblem(string output) =>
        output.Split('\n').Select(l => l.Trim().TrimStart('-', ' ')).FirstOrDefault(l => l.Contains("Cache", StringComparison.Ordinal));

    private static void Say(string line) => Console.WriteLine($"[setup] {line}");
}

/// <param name="Log">The upstream's log, to count what the cache fetched.</param>
internal sealed record CacheRigContender(Contender Contender, UpstreamLog? Log, bool IsGateway);
