using System.Net;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Uploads;

/// <summary>
/// Browsers and players reach the gateway over HTTP/2 (TLS with ALPN). The same request paths run here over
/// cleartext HTTP/2 with prior knowledge (the endpoint speaks HTTP/2 only): uploads to storage once failed with 500
/// because the per-request minimum upload rate is an HTTP/1.x feature in Kestrel. A download that fails mid-body must
/// reach the client as a stream error there too, never as a clean end.
/// </summary>
[Collection(S3Collection.Name)]
public sealed class Http2TransferTests(S3ServerFixture s3) : IAsyncLifetime
{
    private readonly TempFolder _folder = new("http2");
    private GatewayHost _gateway = null!;
    private HttpClient _http2 = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/http2/")
            .Route("h2-s3", "/s3/{**key}", "bucket", writeAccess: "Anonymous")
            .Cluster("files", $"file://{_folder.Combine("root")}/")
            .Route("h2-files", "/files/{**key}", "files", writeAccess: "Anonymous")
            .Route("h2-files-norate", "/files-norate/{**key}", "files", policy: "norate", writeAccess: "Anonymous")
            .Set("StreamForge:StreamPolicies:norate:Upload:MinBytesPerSecond", "0")
            .Set("Kestrel:EndpointDefaults:Protocols", "Http2"));
        _http2 = new HttpClient
        {
            BaseAddress = _gateway.Address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    [Theory]
    [InlineData("/s3/clip.bin", 7 * TestData.MiB)]
    [InlineData("/files/clip.bin", 3 * TestData.MiB)]
    [InlineData("/files-norate/clip.bin", 300_000)]
    public async Task An_upload_over_http2_is_stored_and_reads_back_whole_and_by_range(string path, int size)
    {
        var body = SeededBytes.Bytes(seed: 21, offset: 0, count: size);

        using var put = await _http2.PutAsync(path, new ByteArrayContent(body));

        Assert.True(put.IsSuccessStatusCode, $"{(int)put.StatusCode}: {await put.Content.ReadAsStringAsync()}");
        Assert.Equal(HttpVersion.Version20, put.Version);
        using var whole = await _http2.GetAsync(path);
        Assert.Equal(HttpVersion.Version20, whole.Version);
        Assert.Equal(body, await whole.Content.ReadAsByteArrayAsync());
        using var request = new HttpRequestMessage(HttpMethod.Get, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Headers = { Range = new(1000, 200_999) },
        };
        using var ranged = await _http2.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, ranged.StatusCode);
        Assert.Equal(body[1000..201_000], await ranged.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_download_that_fails_mid_body_over_http2_resets_the_stream_so_it_cannot_look_complete()
    {
        Directory.CreateDirectory(_folder.Combine("root"));
        var path = _folder.Combine("root", "replaced.bin");
        TestData.CreateFile(path, 64 * TestData.MiB, seed: 1);
        // An open-ended range, as players send: served slice by slice, each pinned to the first slice's version.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/files/replaced.bin")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Headers = { Range = new(0, null) },
        };
        using var response = await _http2.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStreamAsync();
        await body.ReadAtLeastAsync(new byte[TestData.MiB], TestData.MiB);

        // A later slice finds another version: the gateway aborts, which HTTP/2 carries as RST_STREAM.
        var replacement = _folder.Combine("replacement.bin");
        TestData.CreateFile(replacement, 64 * TestData.MiB, seed: 2);
        File.Move(replacement, path, overwrite: true);

        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null));
        Assert.Equal(HttpVersion.Version20, response.Version);
    }

    public async Task DisposeAsync()
    {
        _http2.Dispose();
        await _gateway.DisposeAsync();
        _folder.Dispose();
    }
}
