using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// A real S3 server (s3rver through tests/tools/s3server/start.js) owned by one test class, so that it can be
/// frozen (SIGSTOP: accepts connections, never answers), killed, restarted on the same port and folder, or have
/// a stored byte flipped, without disturbing the tests that share <see cref="S3ServerFixture"/>. It always runs with
/// the launcher's request log, so a test can count what the S3 side served (<see cref="Requests"/>).
/// </summary>
internal sealed class DedicatedS3Server : IAsyncDisposable
{
    private static readonly JsonSerializerOptions LogJson = new(JsonSerializerDefaults.Web);

    // The objects in data/ (s3rver's directory: buckets and nothing else), the request log beside it.
    private readonly TempFolder _folder = new("s3rver-dedicated");
    private readonly string[] _options;
    private ExternalProcess? _process;
    private int _port;
    private bool _paused;

    public string ServiceUrl => $"http://127.0.0.1:{_port}";

    /// <summary>The launcher's request log (one JSON line per answered request); kept across <see cref="RestartAsync"/>.</summary>
    public string RequestLogPath => _folder.Combine("requests.jsonl");

    private string DataPath => _folder.Combine("data");

    /// <summary>A direct client, to seed and inspect objects without going through the gateway.</summary>
    public IAmazonS3 Client { get; private set; } = null!;

    /// <summary>A plain HTTP client on the bucket's URL, for requests the SDK would not send (raw framing, anonymous access).</summary>
    public HttpClient NewBucketHttpClient() => new() { BaseAddress = new Uri(ServiceUrl + "/" + S3ServerFixture.Bucket + "/") };

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

    /// <summary>
    /// kill -9: connections reset, new ones refused. Responses in flight get no line in the request log (their
    /// aborted: true line would have been written on close); every line already written stays.
    /// </summary>
    public void Kill()
    {
        _process!.Signal("KILL");
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts again on the same port and folder, as a crashed server coming back; the request log goes on.</summary>
    public Task RestartAsync() => LaunchAsync(_port);

    /// <summary>Where s3rver keeps an object's bytes (its metadata and MD5 live beside it).</summary>
    public string ObjectFile(string key) => Path.Combine(DataPath, S3ServerFixture.Bucket, key + "._S3rver_object");

    /// <summary>
    /// Every request answered since the start or the last <see cref="ClearRequests"/>, in the order the launcher
    /// logged them. A response's line is written before its last body bytes are sent, so every response a client has
    /// read in full is here; a request still in flight is not yet.
    /// </summary>
    public IReadOnlyList<S3RequestRecord> Requests()
    {
        var records = new List<S3RequestRecord>();
        using var stream = new FileStream(RequestLogPath, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        var lines = text.Split('\n');
        // The last element is what follows the last newline: empty, or a line the launcher is still writing.
        foreach (var line in lines.AsSpan(0, lines.Length - 1))
        {
            records.Add(JsonSerializer.Deserialize<S3RequestRecord>(line, LogJson)
                ?? throw new InvalidDataException($"not a request record: {line}"));
        }

        return records;
    }

    /// <summary>The requests for one key of the bucket (<c>key</c> without the bucket name).</summary>
    public IReadOnlyList<S3RequestRecord> Requests(string key)
    {
        var logged = S3RequestRecord.KeyOf(key);
        return [.. Requests().Where(r => r.Key == logged)];
    }

    /// <summary>
    /// Empties the request log. The launcher appends with O_APPEND, so its next line starts at offset 0; call it
    /// when no request is in flight, or a response being sent may still add its line afterwards.
    /// </summary>
    public void ClearRequests()
    {
        using var stream = new FileStream(RequestLogPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.SetLength(0);
    }

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
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task LaunchAsync(int port)
    {
        _process = new ExternalProcess("node", [RepositoryPaths.S3ServerLauncher, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--directory", DataPath, "--bucket", S3ServerFixture.Bucket, "--request-log", RequestLogPath, .. _options]);
        var line = await _process.WaitForLineAsync("S3RVER_LISTENING", TimeSpan.FromSeconds(30));
        _port = int.Parse(line.Split("port=")[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
