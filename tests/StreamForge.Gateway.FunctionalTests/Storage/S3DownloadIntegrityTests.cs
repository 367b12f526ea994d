using System.Net;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Storage;

/// <summary>
/// Whole-object S3 downloads are checked against what S3 stored for the object: its full-object checksum (here a
/// CRC64NVME, or the full-object CRC32 the gateway asks for on multipart uploads), else the ETag's MD5. A byte
/// flipped on the S3 server's disk after the upload must never reach a client as a complete response.
/// </summary>
public sealed class S3DownloadIntegrityTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("sf-integrity-");
    private DedicatedS3Server _withChecksums = null!;
    private DedicatedS3Server _withoutChecksums = null!;
    private GatewayHost _checked = null!;
    private GatewayHost _md5Fallback = null!;
    private GatewayHost _storedOnly = null!;

    public async Task InitializeAsync()
    {
        _withChecksums = await DedicatedS3Server.StartAsync("--default-checksum", "crc64nvme");
        _withoutChecksums = await DedicatedS3Server.StartAsync("--default-checksum", "none");
        _checked = await StartGatewayAsync(_withChecksums, "Checksum");
        _md5Fallback = await StartGatewayAsync(_withoutChecksums, "Checksum");
        _storedOnly = await StartGatewayAsync(_withoutChecksums, "StoredChecksumOnly");
    }

    [Fact]
    public async Task A_multipart_upload_through_the_gateway_gets_a_full_object_checksum_that_catches_a_flipped_byte()
    {
        var source = Path.Combine(_files.FullName, "multi.bin");
        var sha = TestData.CreateFile(source, (11 * TestData.MiB) + 7, seed: 5);
        using var client = ClientOf(_checked);
        await using (var body = File.OpenRead(source))
        {
            using var put = await client.PutAsync("/s3/multi.bin", new StreamContent(body));
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        await using (var intact = await client.GetStreamAsync("/s3/multi.bin"))
        {
            Assert.Equal(sha, await TestData.Sha256Async(intact));
        }

        Flip(_withChecksums, "multi.bin", 6 * TestData.MiB);
        await AssertCutShortAsync(client, "/s3/multi.bin");
    }

    [Fact]
    public async Task A_stored_crc64nvme_catches_a_flipped_byte()
    {
        await SeedAsync(_withChecksums, "nvme.bin");
        Flip(_withChecksums, "nvme.bin", 1000);
        using var client = ClientOf(_checked);
        await AssertCutShortAsync(client, "/s3/nvme.bin");
    }

    [Fact]
    public async Task Without_a_stored_checksum_the_etag_md5_catches_a_flipped_byte_unless_only_stored_checksums_are_wanted()
    {
        await SeedAsync(_withoutChecksums, "plain.bin");
        Flip(_withoutChecksums, "plain.bin", 1000);

        using var checkedClient = ClientOf(_md5Fallback);
        await AssertCutShortAsync(checkedClient, "/s3/plain.bin");

        // The setting is real: with StoredChecksumOnly nothing checks this object, so its bytes arrive as stored.
        using var storedOnly = ClientOf(_storedOnly);
        var delivered = await storedOnly.GetByteArrayAsync("/s3/plain.bin");
        Assert.Equal(TestData.MiB, delivered.Length);
    }

    public async Task DisposeAsync()
    {
        await _checked.DisposeAsync();
        await _md5Fallback.DisposeAsync();
        await _storedOnly.DisposeAsync();
        await _withChecksums.DisposeAsync();
        await _withoutChecksums.DisposeAsync();
    }

    public void Dispose() => _files.Delete(recursive: true);

    private static Task<GatewayHost> StartGatewayAsync(DedicatedS3Server s3, string verify) =>
        GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Set("StreamForge:S3:VerifyDownloads", verify)
            .Cluster("bucket", "s3://media/")
            .Route("s3", "/s3/{**key}", "bucket", policy: "parts", writeAccess: "Anonymous")
            .Set("StreamForge:StreamPolicies:parts:Upload:PartSize", "5MiB")
            .Set("StreamForge:StreamPolicies:parts:Upload:SinglePutMaxSize", "5MiB"));

    private static HttpClient ClientOf(GatewayHost gateway) => new() { BaseAddress = gateway.Address, Timeout = Bound };

    private async Task SeedAsync(DedicatedS3Server s3, string key)
    {
        var source = Path.Combine(_files.FullName, key);
        TestData.CreateFile(source, TestData.MiB, seed: 8);
        // A plain unsigned PUT carries no checksum: the server stores its default one, or none.
        using var http = new HttpClient { BaseAddress = new Uri(s3.ServiceUrl + "/" + S3ServerFixture.Bucket + "/") };
        await using var body = File.OpenRead(source);
        using var put = await http.PutAsync(key, new StreamContent(body));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    /// <summary>Same length, same ETag and stored checksum: only reading every byte can tell.</summary>
    private static void Flip(DedicatedS3Server s3, string key, long offset)
    {
        using var stored = new FileStream(s3.ObjectFile(key), FileMode.Open, FileAccess.ReadWrite);
        stored.Position = offset;
        var original = stored.ReadByte();
        stored.Position = offset;
        stored.WriteByte((byte)(original ^ 0xff));
    }

    private static async Task AssertCutShortAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var bound = new CancellationTokenSource(Bound);
        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null, bound.Token));
    }
}
