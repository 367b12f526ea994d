using System.Diagnostics;
using StreamForge.Bench.Options;

namespace StreamForge.Bench.Hosting;

/// <summary>
/// Everything a run measures, started on loopback: the nginx origin and proxies, s3rver, the bare YARP
/// forwarder, one gateway process per gateway contender (so each one's memory is its own), and the bare
/// Kestrel upload reference. Disposing stops them all and removes the work folder.
/// </summary>
internal sealed class BenchEnvironment : IDisposable
{
    private readonly List<Contender> _contenders = [];
    private readonly List<UploadTarget> _uploadTargets = [];
    private readonly List<IDisposable> _owned = [];
    private ManagedServer? _origin;

    private BenchEnvironment(BenchOptions options, BenchPaths paths, string workDir, string logDir)
    {
        Options = options;
        Paths = paths;
        WorkDir = workDir;
        LogDir = logDir;
    }

    public BenchOptions Options { get; }

    public BenchPaths Paths { get; }

    public string WorkDir { get; }

    public string LogDir { get; }

    public TestData Data { get; private set; } = null!;

    public int OriginPort { get; private set; }

    public S3Server? S3 { get; private set; }

    /// <summary>Why the huge object is not on S3, when it is not (the report says so).</summary>
    public string? S3HugeSkipped { get; private set; }

    public IReadOnlyList<Contender> Contenders => _contenders;

    public IReadOnlyList<UploadTarget> UploadTargets => _uploadTargets;

    /// <summary>
    /// The processes of every contender and of the servers behind them: what must be idle before a measurement
    /// starts, so that one contender's leftover work (a .NET server's background compilation after its turn,
    /// s3rver's garbage collection) is not charged to the next one on the shared 2 cores.
    /// </summary>
    public IReadOnlyCollection<int> ServerProcessIds() =>
        _contenders.SelectMany(c => c.ProcessIds()).ToHashSet();

    public static async Task<BenchEnvironment> StartAsync(BenchOptions options, string rawDir)
    {
        var paths = new BenchPaths(options.RepoRoot);
        var workDir = options.WorkDir ?? Path.Combine(Path.GetTempPath(), $"streamforge-bench-{Environment.ProcessId}");
        var env = new BenchEnvironment(options, paths, workDir, Path.Combine(rawDir, "logs"));
        try
        {
            await env.StartAllAsync();
            return env;
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    /// <summary>Starts a gateway process with the given configuration; used for contenders and the throttle test.</summary>
    public Task<(ChildProcess Process, Uri BaseUri)> StartGatewayAsync(string name, GatewayConfigBuilder config) =>
        StartGatewayAsync(name, config, FreePort.Next());

    public string FileStoreAddress => $"file://{Data.Folder}/";

    public string OriginAddress => $"http://127.0.0.1:{OriginPort}/";

    /// <summary>
    /// Restarts a server (same port) and sends it one small request, so a measurement starts from a fresh,
    /// warmed-up process rather than from the heap an earlier measurement left behind.
    /// </summary>
    public async Task RestartAsync(ManagedServer server, Uri warmUp)
    {
        await server.RestartAsync();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await client.GetAsync(warmUp);
    }

    public void Dispose()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }

        ChildProcess.KillAll();
        if (!Options.KeepWorkDir && Directory.Exists(WorkDir))
        {
            try
            {
                Directory.Delete(WorkDir, recursive: true);
            }
            catch (IOException ex)
            {
                Console.Error.WriteLine($"could not remove {WorkDir}: {ex.Message}");
            }
        }
    }

    private async Task StartAllAsync()
    {
        Directory.CreateDirectory(WorkDir);
        Directory.CreateDirectory(LogDir);
        var clock = Stopwatch.StartNew();
        Data = TestData.Create(Path.Combine(WorkDir, "www"), Options);
        Say($"test data in {Data.Folder}: {string.Join(", ", Data.AllNames())} ({clock.Elapsed.TotalSeconds:0.0} s)");

        OriginPort = FreePort.Next();
        var origin = await ManagedServer.StartAsync(() => NginxServer.StartAsync("nginx-origin", Path.Combine(WorkDir, "nginx-origin"),
            prefix => NginxConfig.Origin(prefix, OriginPort, Data.Folder), OriginPort, LogDir));
        _owned.Add(origin);
        _origin = origin;
        Add(ContenderKeys.Direct, "nginx (direct origin)", new Uri(OriginAddress), origin);

        if (Wants(ContenderKeys.NginxTuned))
        {
            await StartNginxProxyAsync(ContenderKeys.NginxTuned, "nginx proxy (tuned)", tuned: true);
        }

        if (Wants(ContenderKeys.NginxDefault))
        {
            await StartNginxProxyAsync(ContenderKeys.NginxDefault, "nginx proxy (default buffers)", tuned: false);
        }

        if (Wants(ContenderKeys.BareYarp))
        {
            var port = FreePort.Next();
            var yarp = await ManagedServer.StartAsync(() => DotnetServer.StartAsync("bare-yarp", Paths.BareYarpDll, port, ["--Origin", OriginAddress], "/",
                Path.Combine(WorkDir, "bare-yarp"), LogDir));
            _owned.Add(yarp);
            Add(ContenderKeys.BareYarp, "bare YARP", new Uri($"http://127.0.0.1:{port}/"), yarp, OriginProcess);
        }

        if (Wants(ContenderKeys.GatewayOrigin))
        {
            var (process, uri) = await StartGatewayServerAsync(ContenderKeys.GatewayOrigin, new GatewayConfigBuilder()
                .Route("bench", "/{**rest}", "origin").Cluster("origin", OriginAddress));
            _owned.Add(process);
            Add(ContenderKeys.GatewayOrigin, "gateway: origin route", uri, process, OriginProcess);
        }

        if (Wants(ContenderKeys.GatewayOrigin64K))
        {
            // The default policy before chunks grew (ChunkSize 64 KiB, MaxBufferedBytes 256 KiB): what the larger chunks buy.
            var (process, uri) = await StartGatewayServerAsync(ContenderKeys.GatewayOrigin64K, new GatewayConfigBuilder()
                .Route("bench", "/{**rest}", "origin", policy: "narrow").Cluster("origin", OriginAddress)
                .BufferPolicy("narrow", "64KiB", "256KiB"));
            _owned.Add(process);
            Add(ContenderKeys.GatewayOrigin64K, "gateway: origin, 64 KiB chunks", uri, process, OriginProcess);
        }

        if (Wants(ContenderKeys.GatewayFiles))
        {
            var (process, uri) = await StartGatewayServerAsync(ContenderKeys.GatewayFiles, new GatewayConfigBuilder()
                .Route("bench", "/{**key}", "files", writeAccess: "Anonymous").Cluster("files", FileStoreAddress));
            _owned.Add(process);
            Add(ContenderKeys.GatewayFiles, "gateway: file store", uri, process);
            _uploadTargets.Add(new UploadTarget(ContenderKeys.GatewayFiles, "gateway: file store", uri, process,
                name => Task.FromResult(File.Exists(Data.PathOf(name)) ? new FileInfo(Data.PathOf(name)).Length : (long?)null),
                name =>
                {
                    File.Delete(Data.PathOf(name));
                    return Task.CompletedTask;
                }));
        }

        if (Wants(ContenderKeys.GatewayS3))
        {
            await StartS3ContenderAsync();
        }

        if (Options.Runs(Phase.Uploads))
        {
            await StartBareUploadAsync();
        }

        Say($"all servers up ({clock.Elapsed.TotalSeconds:0.0} s): " +
            string.Join(", ", _contenders.Select(c => $"{c.Key} {c.BaseUri.Authority} pid {c.Process.Id}")));
    }

    private async Task StartNginxProxyAsync(string key, string name, bool tuned)
    {
        var port = FreePort.Next();
        var proxy = await ManagedServer.StartAsync(() => NginxServer.StartAsync(key, Path.Combine(WorkDir, key),
            prefix => NginxConfig.Proxy(prefix, port, OriginPort, tuned), port, LogDir));
        _owned.Add(proxy);
        Add(key, name, new Uri($"http://127.0.0.1:{port}/"), proxy, OriginProcess);
    }

    private async Task StartS3ContenderAsync()
    {
        var s3 = await S3Server.StartAsync(Paths.S3Launcher, Path.Combine(WorkDir, "s3rver"), LogDir);
        _owned.Add(s3);
        S3 = s3;
        foreach (var name in Data.AllNames())
        {
            if (name == Data.HugeName && !Options.S3Huge)
            {
                S3HugeSkipped = "not uploaded (--s3-huge off)";
                continue;
            }

            var clock = Stopwatch.StartNew();
            await s3.PutFileAsync(name, Data.PathOf(name));
            Say($"uploaded {name} to s3rver in {clock.Elapsed.TotalSeconds:0.0} s");
        }

        var (process, uri) = await StartGatewayServerAsync(ContenderKeys.GatewayS3, new GatewayConfigBuilder()
            .S3(s3.ServiceUrl)
            .Route("bench", "/{**key}", "bucket", writeAccess: "Anonymous")
            .Cluster("bucket", $"s3://{S3Server.Bucket}/"));
        _owned.Add(process);
        Add(ContenderKeys.GatewayS3, "gateway: S3", uri, process, () => s3.Process);
        _uploadTargets.Add(new UploadTarget(ContenderKeys.GatewayS3, "gateway: S3", uri, process, s3.LengthAsync, s3.DeleteAsync, () => s3.Process));

        if (Wants(ContenderKeys.NginxS3))
        {
            var port = FreePort.Next();
            var proxy = await ManagedServer.StartAsync(() => NginxServer.StartAsync(ContenderKeys.NginxS3, Path.Combine(WorkDir, ContenderKeys.NginxS3),
                prefix => NginxConfig.S3Proxy(prefix, port, s3.ServiceUrl.Port), port, LogDir));
            _owned.Add(proxy);
            var proxied = new Uri($"http://127.0.0.1:{port}/{S3Server.Bucket}/");
            Add(ContenderKeys.NginxS3, "nginx proxy (tuned) to S3", proxied, proxy, () => s3.Process);
            _uploadTargets.Add(new UploadTarget(ContenderKeys.NginxS3, "nginx proxy (tuned) to S3", proxied, proxy, s3.LengthAsync, s3.DeleteAsync, () => s3.Process));
        }

        // The same objects read and written straight from s3rver: what the S3 route's ratios are taken against.
        var direct = ManagedServer.Shared(s3.Process);
        var bucketUri = new Uri(s3.ServiceUrl, $"{S3Server.Bucket}/");
        Add(ContenderKeys.S3Direct, "S3 server (direct)", bucketUri, direct);
        if (Wants(ContenderKeys.S3Direct))
        {
            _uploadTargets.Add(new UploadTarget(ContenderKeys.S3Direct, "S3 server (direct PUT)", bucketUri, direct, s3.LengthAsync, s3.DeleteAsync));
        }
    }

    private async Task StartBareUploadAsync()
    {
        var folder = Path.Combine(WorkDir, "bare-upload", "files");
        var port = FreePort.Next();
        var process = await ManagedServer.StartAsync(() => DotnetServer.StartAsync(ContenderKeys.BareUpload, Paths.BareUploadDll, port, ["--Folder", folder], "/",
            Path.Combine(WorkDir, "bare-upload"), LogDir));
        _owned.Add(process);
        _uploadTargets.Insert(0, new UploadTarget(ContenderKeys.BareUpload, "bare Kestrel (reference)", new Uri($"http://127.0.0.1:{port}/"), process,
            name => Task.FromResult(File.Exists(Path.Combine(folder, name)) ? new FileInfo(Path.Combine(folder, name)).Length : (long?)null),
            name =>
            {
                File.Delete(Path.Combine(folder, name));
                return Task.CompletedTask;
            }));
    }

    private async Task<(ManagedServer Server, Uri BaseUri)> StartGatewayServerAsync(string name, GatewayConfigBuilder config)
    {
        var port = FreePort.Next();
        var server = await ManagedServer.StartAsync(async () => (await StartGatewayAsync(name, config, port)).Process);
        return (server, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>Starts a gateway process on a given port (a contender restarted on the port it had).</summary>
    public async Task<(ChildProcess Process, Uri BaseUri)> StartGatewayAsync(string name, GatewayConfigBuilder config, int port)
    {
        var folder = Path.Combine(WorkDir, name);
        Directory.CreateDirectory(folder);
        var configPath = config.Write(Path.Combine(folder, "gateway.json"));
        File.Copy(configPath, Path.Combine(LogDir, $"{name}.json"), overwrite: true);
        var process = await DotnetServer.StartAsync(name, Paths.GatewayDll, port, ["--config", configPath], "/healthz", folder, LogDir);
        return (process, new Uri($"http://127.0.0.1:{port}/"));
    }

    private bool Wants(string key) => Options.Includes(key);

    private ChildProcess OriginProcess() => _origin!.Process;

    private void Add(string key, string name, Uri uri, ManagedServer server, Func<ChildProcess>? upstream = null)
    {
        if (Wants(key))
        {
            _contenders.Add(new Contender(key, name, uri, server, upstream));
        }
    }

    private static void Say(string line) => Console.WriteLine($"[setup] {line}");
}
