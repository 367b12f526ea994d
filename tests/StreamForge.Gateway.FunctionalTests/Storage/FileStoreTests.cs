using System.Net;
using System.Net.Http.Json;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Storage;

/// <summary>The embedded file store: streaming GET/HEAD/PUT, all-or-nothing writes.</summary>
public sealed class FileStoreTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("filestore");
    private GatewayHost _gateway = null!;

    private string Root => _folder.Combine("root");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("files", $"file://{Root}/")
            .Route("filestore", "/files/{**key}", "files", policy: "small", writeAccess: "Loopback")
            .Route("readonly", "/ro/{**key}", "files")
            .Route("tiny", "/tiny/{**key}", "files", policy: "tiny", writeAccess: "Anonymous")
            .Set("StreamForge:StreamPolicies:tiny:Upload:MaxBodySize", "64KiB")
            .Set("StreamForge:StreamPolicies:small:Upload:MaxBodySize", "80MiB"));
    }

    [Fact]
    public async Task The_location_of_a_created_object_whose_key_holds_a_percent_sign_is_that_object()
    {
        using var put = await _gateway.Client.PutAsync("/files/media/a%2541%20b.txt", new ByteArrayContent("x"u8.ToArray()));

        // The key is "a%41 b.txt"; "/files/media/a%41%20b.txt" would name "aA b.txt" (RFC 3986 section 2.4).
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("/files/media/a%2541%20b.txt", put.Headers.Location?.OriginalString);
        Assert.True(File.Exists(Path.Combine(Root, "media", "a%41 b.txt")));
    }

    [Fact]
    public async Task A_malformed_digest_is_400_before_any_precondition_is_looked_at()
    {
        (await _gateway.Client.PutAsync("/files/media/guarded.txt", new ByteArrayContent("v1"u8.ToArray()))).Dispose();
        using var request = new HttpRequestMessage(HttpMethod.Put, "/files/media/guarded.txt") { Content = new ByteArrayContent("v2"u8.ToArray()) };
        request.Headers.IfNoneMatch.Add(System.Net.Http.Headers.EntityTagHeaderValue.Any);
        request.Content.Headers.TryAddWithoutValidation("Content-MD5", "zzz");
        using var put = await _gateway.Client.SendAsync(request);

        // RFC 9110 section 13.2.1: preconditions are evaluated only for a request that would otherwise succeed.
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("invalid_checksum", await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(TestData.MiB)]
    [InlineData(64 * TestData.MiB)]
    public async Task Uploads_and_downloads_keep_every_byte(int size)
    {
        var source = _folder.Combine($"source-{size}.bin");
        var expected = TestData.CreateFile(source, size, seed: size + 3);

        await using (var body = File.OpenRead(source))
        {
            using var put = await _gateway.Client.PutAsync($"/files/media/{size}.bin", new StreamContent(body));
            Assert.Equal(HttpStatusCode.Created, put.StatusCode); // RFC 9110 section 9.3.4: a PUT that creates says so.
            Assert.Equal($"/files/media/{size}.bin", put.Headers.Location?.OriginalString);
        }

        using (var again = await _gateway.Client.PutAsync($"/files/media/{size}.bin", new StreamContent(File.OpenRead(source))))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode); // Replaced, not created.
            Assert.Null(again.Headers.Location);
        }

        Assert.Equal(expected, TestData.Sha256OfFile(Path.Combine(Root, "media", $"{size}.bin")));
        using var get = await _gateway.Client.GetAsync($"/files/media/{size}.bin", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(size, get.Content.Headers.ContentLength);
        Assert.Equal(expected, await TestData.Sha256Async(await get.Content.ReadAsStreamAsync()));
    }

    [Fact]
    public async Task Head_answers_with_the_headers_of_get()
    {
        TestData.CreateFile(Path.Combine(Root, "clip.mp4"), 5000);

        using var get = await _gateway.Client.GetAsync("/ro/clip.mp4");
        using var head = await _gateway.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/ro/clip.mp4"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(5000, head.Content.Headers.ContentLength);
        Assert.Equal("video/mp4", head.Content.Headers.ContentType?.MediaType);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.True(head.Headers.ETag is { IsWeak: false });
        Assert.Equal(get.Content.Headers.LastModified, head.Content.Headers.LastModified);
        Assert.Contains("bytes", head.Headers.AcceptRanges);
    }

    [Fact]
    public async Task Last_modified_is_never_later_than_the_responses_date()
    {
        // A file stamped in the future stands for one written within the second (Kestrel renews Date once a second) and
        // for a storage clock ahead of the gateway's.
        var path = Path.Combine(Root, "fresh.mp4");
        TestData.CreateFile(path, 1000);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(1));

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            using var response = await _gateway.Client.SendAsync(new HttpRequestMessage(method, "/ro/fresh.mp4"));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotNull(response.Headers.Date);
            Assert.Equal(response.Headers.Date, response.Content.Headers.LastModified);
        }
    }

    [Fact]
    public async Task A_missing_key_is_404_with_a_stable_code()
    {
        using var response = await _gateway.Client.GetAsync("/files/nothing-here.mp4");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("object_not_found", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
    }

    [Fact]
    public async Task A_broken_upload_leaves_the_old_object_and_no_temp_file()
    {
        var keep = Path.Combine(Root, "keep.bin");
        var original = TestData.CreateFile(keep, 10_000, seed: 42);

        using var aborted = new RouteMeter("streamforge.streams.aborted", "filestore");

        // Promise 1 MiB, send 1000 bytes, hang up.
        await RawHttp.SendAsync(_gateway.Address,
            "PUT /files/keep.bin HTTP/1.1\nHost: x\nContent-Length: 1048576\nConnection: close\n\n",
            new byte[1000],
            closeAfterBody: true);

        await Eventually.TrueAsync(() => aborted.Total > 0, "the gateway gives up on the upload");
        Assert.Equal(original, TestData.Sha256OfFile(keep));
        var temp = Path.Combine(Root, ".streamforge-tmp");
        Assert.True(!Directory.Exists(temp) || Directory.GetFileSystemEntries(temp).Length == 0, "temp files were left behind");
    }

    [Fact]
    public async Task A_body_that_does_not_match_its_digest_leaves_the_old_object()
    {
        var keep = Path.Combine(Root, "digest.bin");
        var original = TestData.CreateFile(keep, 5000, seed: 9);
        var content = new ByteArrayContent(new byte[20_000]);
        content.Headers.ContentMD5 = new byte[16];

        using var response = await _gateway.Client.PutAsync("/files/digest.bin", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("checksum_mismatch", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        Assert.Equal(original, TestData.Sha256OfFile(keep));
    }

    [Fact]
    public async Task Write_preconditions_protect_against_lost_updates_and_overwrites()
    {
        var path = Path.Combine(Root, "guarded.bin");
        File.WriteAllBytes(path, [1, 2, 3]);
        using var head = await _gateway.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/files/guarded.bin"));
        var etag = head.Headers.ETag!;

        using var createOnly = await PutAsync("/files/guarded.bin", [9], r => r.Headers.IfNoneMatch.Add(System.Net.Http.Headers.EntityTagHeaderValue.Any));
        using var stale = await PutAsync("/files/guarded.bin", [9], r => r.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"stale\"")));
        Assert.Equal(HttpStatusCode.PreconditionFailed, createOnly.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("precondition_failed", (await stale.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));

        // An empty If-Match is a list of no tags, which nothing matches (it was taken as absent, and the PUT overwrote).
        var (emptyList, _) = await RawHttp.SendAsync(_gateway.Address, "PUT /files/guarded.bin HTTP/1.1\nHost: localhost\nIf-Match: \nContent-Length: 1\n\n", [9]);
        Assert.Equal(412, emptyList);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));

        using var current = await PutAsync("/files/guarded.bin", [4, 5], r => r.Headers.IfMatch.Add(etag));
        using var fresh = await PutAsync("/files/new-only.bin", [6], r => r.Headers.IfNoneMatch.Add(System.Net.Http.Headers.EntityTagHeaderValue.Any));
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal([4, 5], File.ReadAllBytes(path));
        Assert.Equal(HttpStatusCode.Created, fresh.StatusCode);

        // A key with nothing stored has no modification date: If-Unmodified-Since is ignored (RFC 9110 section 13.1.4), If-Match fails.
        using var undated = await PutAsync("/files/new-undated.bin", [7], r => r.Headers.IfUnmodifiedSince = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var unmatched = await PutAsync("/files/new-unmatched.bin", [8], r => r.Headers.IfMatch.Add(System.Net.Http.Headers.EntityTagHeaderValue.Any));
        Assert.Equal(HttpStatusCode.Created, undated.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, unmatched.StatusCode);
    }

    private Task<HttpResponseMessage> PutAsync(string path, byte[] body, Action<HttpRequestMessage> configure)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new ByteArrayContent(body) };
        configure(request);
        return _gateway.Client.SendAsync(request);
    }

    [Fact]
    public async Task A_declared_body_over_the_route_limit_is_refused_before_reading()
    {
        var (status, response) = await RawHttp.SendAsync(_gateway.Address,
            "PUT /files/huge.bin HTTP/1.1\nHost: x\nContent-Length: 100000000000\n\n");

        Assert.Equal(413, status);
        Assert.Contains("upload_too_large", response, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Root, "huge.bin")));
    }

    [Fact]
    public async Task A_chunked_body_crossing_the_route_limit_is_refused_and_nothing_stored()
    {
        // The "tiny" route allows 64 KiB; one 70,000-byte chunk crosses it with no Content-Length to check first.
        var chunk = new byte[70_000];
        var body = System.Text.Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n").Concat(chunk).ToArray();
        var (status, response) = await RawHttp.SendAsync(_gateway.Address,
            "PUT /tiny/too-big.bin HTTP/1.1\nHost: x\nTransfer-Encoding: chunked\n\n", body);

        Assert.Equal(413, status);
        Assert.Contains("upload_too_large", response, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Root, "too-big.bin")));
    }

    [Fact]
    public async Task A_read_only_route_refuses_writes_with_405()
    {
        using var response = await _gateway.Client.PutAsync("/ro/x.bin", new ByteArrayContent([1, 2, 3]));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("method_not_allowed", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        Assert.False(File.Exists(Path.Combine(Root, "x.bin")));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _folder.Dispose();
    }
}
