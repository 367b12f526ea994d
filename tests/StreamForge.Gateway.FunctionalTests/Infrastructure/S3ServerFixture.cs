using Amazon.S3;
using Amazon.S3.Model;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// A real S3 protocol server (s3rver, through tests/tools/s3server/start.js which fixes its aws-chunked defect)
/// on a loopback port, with one bucket, shared by the tests of the "s3" collection.
/// </summary>
public sealed class S3ServerFixture : IAsyncLifetime
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    public const string Bucket = "media";

    private readonly TempFolder _data = new("s3rver");
    private ExternalProcess? _server;

    private string _serviceUrl = string.Empty;

    /// <summary>
    /// The server's address. A server that died under the collection fails every later test with its exit code and
    /// stderr (node's stack trace of a crash), not with "connection refused" and no cause.
    /// </summary>
    public string ServiceUrl
    {
        get
        {
            if (_server is { HasExited: true } server)
            {
                throw new InvalidOperationException($"the shared s3rver exited (code {server.ExitCode}) under the test collection: {server.StandardError}");
            }

            return _serviceUrl;
        }
    }

    /// <summary>A direct client, to seed and inspect objects without going through the gateway.</summary>
    public IAmazonS3 Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = new ExternalProcess("node", [RepositoryPaths.S3ServerLauncher, "--port", "0", "--directory", _data.Path, "--bucket", Bucket]);
        var line = await _server.WaitForLineAsync("S3RVER_LISTENING", TimeSpan.FromSeconds(30));
        var port = line.Split("port=")[1].Trim();
        _serviceUrl = $"http://127.0.0.1:{port}";
        Client = new AmazonS3Client(AccessKey, SecretKey, new AmazonS3Config { ServiceURL = _serviceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
    }

    public async Task PutFileAsync(string key, string path)
    {
        await Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, FilePath = path });
    }

    public async Task<bool> ExistsAsync(string key)
    {
        try
        {
            await Client.GetObjectMetadataAsync(Bucket, key);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Multipart uploads still open under a prefix: each one is storage an aborted upload left behind.</summary>
    public async Task<IReadOnlyList<string>> OpenUploadsAsync(string prefix)
    {
        var listing = await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = prefix });
        return [.. (listing.MultipartUploads ?? []).Select(u => u.Key)];
    }

    public Task DisposeAsync()
    {
        Client?.Dispose();
        _server?.Dispose();
        _data.Dispose();
        return Task.CompletedTask;
    }
}
