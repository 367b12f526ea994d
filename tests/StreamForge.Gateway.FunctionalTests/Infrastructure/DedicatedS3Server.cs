using Amazon.S3;
using Amazon.S3.Model;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// A real S3 server (s3rver through tests/tools/s3server/start.js) owned by one test class, so that it can be
/// frozen (SIGSTOP: accepts connections, never answers), killed, restarted on the same port and folder, or have
/// a stored byte flipped, without disturbing the tests that share <see cref="S3ServerFixture"/>.
/// </summary>
internal sealed class DedicatedS3Server : IAsyncDisposable
{
    private readonly TempFolder _data = new("s3rver-dedicated");
    private readonly string[] _options;
    private ExternalProcess? _process;
    private int _port;
    private bool _paused;

    public string ServiceUrl => $"http://127.0.0.1:{_port}";

    /// <summary>A direct client, to seed and inspect objects without going through the gateway.</summary>
    public IAmazonS3 Client { get; private set; } = null!;

    private DedicatedS3Server(string[] options) => _options = options;

    /// <summary>Starts the launcher; <paramref name="options"/> are extra ones such as <c>--default-checksum none</c>.</summary>
    public static async Task<DedicatedS3Server> StartAsync(params string[] options)
    {
        var server = new DedicatedS3Server(options);
        await server.LaunchAsync(port: 0);
        server.Client = new AmazonS3Client(S3ServerFixture.AccessKey, S3ServerFixture.SecretKey,
            new AmazonS3Config { ServiceURL = server.ServiceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        return server;
    }

    /// <summary>Freezes the process: the kernel still accepts connections, nothing is ever answered.</summary>
    public void Pause()
    {
        _process!.Signal("STOP");
        _paused = true;
    }

    public void Resume()
    {
        _process!.Signal("CONT");
        _paused = false;
    }

    /// <summary>kill -9: connections reset, new ones refused.</summary>
    public void Kill()
    {
        _process!.Signal("KILL");
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts again on the same port and folder, as a crashed server coming back.</summary>
    public Task RestartAsync() => LaunchAsync(_port);

    /// <summary>Where s3rver keeps an object's bytes (its metadata and MD5 live beside it).</summary>
    public string ObjectFile(string key) => Path.Combine(_data.Path, S3ServerFixture.Bucket, key + "._S3rver_object");

    public Task PutAsync(string key, string path) =>
        Client.PutObjectAsync(new PutObjectRequest { BucketName = S3ServerFixture.Bucket, Key = key, FilePath = path });

    /// <summary>Multipart uploads still open under a prefix: each one is storage an aborted upload left behind.</summary>
    public async Task<int> OpenUploadsAsync(string prefix)
    {
        var listing = await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = S3ServerFixture.Bucket, Prefix = prefix });
        return listing.MultipartUploads?.Count ?? 0;
    }

    public ValueTask DisposeAsync()
    {
        if (_paused)
        {
            Resume();
        }

        Client?.Dispose();
        _process?.Dispose();
        _data.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task LaunchAsync(int port)
    {
        _process = new ExternalProcess("node", [RepositoryPaths.S3ServerLauncher, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--directory", _data.Path, "--bucket", S3ServerFixture.Bucket, .. _options]);
        var line = await _process.WaitForLineAsync("S3RVER_LISTENING", TimeSpan.FromSeconds(30));
        _port = int.Parse(line.Split("port=")[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
