using System.Net;
using System.Net.Http.Json;
using Amazon.S3.Model;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Storage;

/// <summary>An S3 storage route against a real S3 protocol server: every byte read back as stored.</summary>
[Collection(S3Collection.Name)]
public sealed class S3StorageTests(S3ServerFixture s3) : IAsyncLifetime
{
    private readonly TempFolder _files = new("s3-files");
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/videos/")
            .Route("videos", "/videos/{**key}", "bucket", writeAccess: "Anonymous")
            .Route("videos-edge", "/edge/{**key}", "bucket", policy: "edge")
            .Set("StreamForge:Cache:Directory", _files.Combine("cache"))
            .Set("StreamForge:StreamPolicies:edge:Cache:Enabled", "true"));
    }

    [Theory]
    [InlineData("kept/single.mp4", 64 * 1024, false)] // one PutObject
    [InlineData("kept/parts.mp4", 20 * 1024 * 1024, true)] // chunked, over one 16 MiB part: multipart
    public async Task An_uploads_disposition_language_and_cache_control_are_kept_and_served(string key, int size, bool chunked)
    {
        using var content = new StreamContent(new MemoryStream(new byte[size]));
        content.Headers.ContentLength = chunked ? null : size;
        content.Headers.ContentDisposition = new System.Net.Http.Headers.ContentDispositionHeaderValue("attachment") { FileName = "\"film.mp4\"" };
        content.Headers.ContentLanguage.Add("fr");
        using var request = new HttpRequestMessage(HttpMethod.Put, "/videos/" + key) { Content = content };
        request.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { Public = true, MaxAge = TimeSpan.FromDays(365) };
        request.Headers.TransferEncodingChunked = chunked;
        using var put = await _gateway.Client.SendAsync(request);
        put.EnsureSuccessStatusCode();

        // Kept by S3 as its PutObject keeps them, and replayed by the gateway as S3 would serve them.
        var stored = await s3.Client.GetObjectMetadataAsync(S3ServerFixture.Bucket, "videos/" + key);
        Assert.Equal("attachment; filename=\"film.mp4\"", stored.Headers.ContentDisposition);
        using var head = await _gateway.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/videos/" + key));
        Assert.Equal("attachment; filename=\"film.mp4\"", head.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal("fr", Assert.Single(head.Content.Headers.ContentLanguage));
        Assert.Equal(TimeSpan.FromDays(365), head.Headers.CacheControl?.MaxAge);
    }

    [Fact]
    public async Task A_field_S3_cannot_keep_is_refused_as_the_clients_error_not_as_S3_unreachable()
    {
        using var content = new ByteArrayContent(new byte[1000]);
        // A raw UTF-8 file name (RFC 6266 wants filename*): read as Latin-1 by Kestrel, it is not ASCII.
        content.Headers.TryAddWithoutValidation("Content-Disposition", System.Text.Encoding.Latin1.GetString("attachment; filename=\"é.mp4\""u8));
        using var client = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.Latin1 }) { BaseAddress = _gateway.Address };
        using var put = await client.PutAsync("/videos/kept/accented.mp4", content);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("storage_rejected_request", await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(put.Headers.Contains("Retry-After"));
    }

    [Theory]
    [InlineData("live/index.m3u8", "application/vnd.apple.mpegurl")]
    [InlineData("live/seg-1.ts", "video/mp2t")]
    [InlineData("live/manifest.mpd", "application/dash+xml")]
    public async Task An_upload_without_a_type_is_stored_with_the_type_the_gateway_serves_its_extension_as(string key, string expected)
    {
        using var body = new ByteArrayContent("#EXTM3U\n"u8.ToArray());
        Assert.Null(body.Headers.ContentType);
        using var put = await _gateway.Client.PutAsync("/videos/" + key, body);
        put.EnsureSuccessStatusCode();

        // In S3 itself, so that a client reading the bucket directly (or another edge) sees the same type.
        var stored = await s3.Client.GetObjectMetadataAsync(S3ServerFixture.Bucket, "videos/" + key);
        Assert.Equal(expected, stored.Headers.ContentType);
    }

    [Theory]
    [InlineData("/videos/coded/app.js")]
    [InlineData("/edge/coded/app.js")] // twice: a miss, then a hit from the cache's disk
    public async Task The_coding_and_disposition_stored_with_an_object_go_out_with_it(string path)
    {
        var plain = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("console.log('streamforge');\n", 200)));
        using var gzipped = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(gzipped, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        var put = new PutObjectRequest { BucketName = S3ServerFixture.Bucket, Key = "videos/coded/app.js", InputStream = new MemoryStream(gzipped.ToArray()), ContentType = "application/javascript" };
        put.Headers.ContentEncoding = "gzip";
        put.Headers.ContentDisposition = "attachment; filename=\"app.js\"";
        await s3.Client.PutObjectAsync(put);
        using var raw = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = _gateway.Address };

        for (var i = 0; i < 2; i++)
        {
            // A client that accepts br must still get the stored gzip bytes, labelled so, not br over gzip.
            using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { "Accept-Encoding", "br" } } };
            using var response = await raw.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
            Assert.Equal("attachment; filename=\"app.js\"", response.Content.Headers.ContentDisposition?.ToString());
            Assert.Equal(gzipped.ToArray(), await response.Content.ReadAsByteArrayAsync());
        }

        using var head = await raw.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        Assert.Equal("gzip", Assert.Single(head.Content.Headers.ContentEncoding));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(TestData.MiB)]
    [InlineData(64 * TestData.MiB)]
    public async Task Objects_read_back_through_the_gateway_with_the_stored_hash(int size)
    {
        var path = _files.Combine($"object-{size}.bin");
        var expected = TestData.CreateFile(path, size, seed: size);
        await s3.PutFileAsync($"videos/read/{size}.bin", path);

        using var response = await _gateway.Client.GetAsync($"/videos/read/{size}.bin", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(size, response.Content.Headers.ContentLength);
        Assert.Equal(expected, await TestData.Sha256Async(await response.Content.ReadAsStreamAsync()));
    }

    [Fact]
    public async Task A_key_too_long_for_S3_with_the_routes_prefix_is_refused_before_any_S3_call()
    {
        // 1020 bytes is a valid key on its own; with the cluster's "videos/" it is 1027, over S3's 1024.
        var key = new string('k', 1020);

        using var put = await _gateway.Client.PutAsync("/videos/" + key, new ByteArrayContent([1, 2, 3]));
        using var get = await _gateway.Client.GetAsync("/edge/" + key);

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("invalid_key", (await put.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode); // through the edge cache too
        Assert.False(await s3.ExistsAsync("videos/" + key));
    }

    [Fact]
    public async Task Head_answers_with_the_headers_of_get()
    {
        var path = _files.Combine("head.mp4");
        TestData.CreateFile(path, 4096);
        await s3.PutFileAsync("videos/head.mp4", path);

        using var get = await _gateway.Client.GetAsync("/videos/head.mp4");
        using var head = await _gateway.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/videos/head.mp4"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Equal(get.Content.Headers.LastModified, head.Content.Headers.LastModified);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.NotNull(head.Headers.ETag);
        Assert.Contains("bytes", head.Headers.AcceptRanges);
        Assert.Equal("video/mp4", head.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_missing_key_is_404_with_a_stable_code()
    {
        using var response = await _gateway.Client.GetAsync("/videos/no/such/object.mp4");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemBody>();
        Assert.Equal("object_not_found", problem!.Code);
    }

    [Fact]
    public async Task A_put_through_the_gateway_stores_exactly_the_bytes_sent()
    {
        var path = _files.Combine("upload.bin");
        var expected = TestData.CreateFile(path, 3 * TestData.MiB + 17, seed: 7);

        await using (var body = File.OpenRead(path))
        {
            using var put = await _gateway.Client.PutAsync("/videos/uploads/a.bin", new StreamContent(body));
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        // Read back directly from S3, not through the gateway, so a symmetric bug cannot hide.
        using var stored = await s3.Client.GetObjectAsync(new GetObjectRequest { BucketName = S3ServerFixture.Bucket, Key = "videos/uploads/a.bin" });
        Assert.Equal(expected, await TestData.Sha256Async(stored.ResponseStream));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _files.Dispose();
    }
}
