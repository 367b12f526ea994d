using System.IO.Compression;
using System.Net;
using System.Text;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Browser;

/// <summary>Text (manifests, subtitles, JSON) is compressed when the client accepts it; media and ranges never are.</summary>
public sealed class CompressionTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("compression");
    private readonly HttpClient _raw = new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None });
    private NginxOrigin _origin = null!;
    private GatewayHost _gateway = null!;
    private string _manifest = string.Empty;

    public async Task InitializeAsync()
    {
        var manifest = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n");
        for (var i = 0; i < 500; i++)
        {
            manifest.Append("#EXTINF:4.000,\nsegment-").Append(i).Append(".m4s\n");
        }

        _manifest = manifest.ToString();
        await File.WriteAllTextAsync(_folder.Combine("index.m3u8"), _manifest);
        await File.WriteAllTextAsync(_folder.Combine("captions.vttx"), _manifest);
        TestData.CreateFile(_folder.Combine("clip.mp4"), 200_000, seed: 4);
        await File.WriteAllTextAsync(_folder.Combine("big.json"), "[" + string.Join(",", Enumerable.Repeat("\"x\"", 100_000)) + "]");
        _origin = await NginxOrigin.StartAsync("""
            location /no-transform/ {
                rewrite ^/no-transform/(.*)$ /$1 break;
                add_header Cache-Control "no-transform, max-age=60";
            }
            """);
        await File.WriteAllTextAsync(Path.Combine(_origin.WebRoot, "notes.txt"), _manifest);
        await File.WriteAllTextAsync(Path.Combine(_origin.WebRoot, "empty.m3u8"), string.Empty);
        await File.WriteAllTextAsync(_folder.Combine("empty.m3u8"), string.Empty);
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("origin", _origin.Address.ToString())
            .Route("origin", "/origin/{**rest}", "origin")
            .Set("ReverseProxy:Routes:origin:Transforms:0:PathRemovePrefix", "/origin")
            .Set("StreamForge:MediaTypes:.vttx", "text/vtt; charset=utf-8")
            .Cluster("files", $"file://{_folder.Path}/")
            .Route("files", "/files/{**key}", "files")
            .Set("StreamForge:Compression:MaxBodySize", "64KiB"));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task A_manifest_is_compressed_and_varies_by_accept_encoding(string encoding)
    {
        using var response = await GetAsync("/files/index.m3u8", encoding);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(encoding, Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        await using var compressed = await response.Content.ReadAsStreamAsync();
        await using Stream decoder = encoding == "br" ? new BrotliStream(compressed, CompressionMode.Decompress) : new GZipStream(compressed, CompressionMode.Decompress);
        using var text = new StreamReader(decoder);
        Assert.Equal(_manifest, await text.ReadToEndAsync());
    }

    [Fact]
    public async Task A_compressed_body_has_a_weak_entity_tag_that_still_validates_the_resource()
    {
        using var identity = await GetAsync("/files/index.m3u8", "identity");
        using var compressed = await GetAsync("/files/index.m3u8", "gzip");

        var strong = identity.Headers.ETag!;
        Assert.False(strong.IsWeak);
        Assert.Equal("gzip", Assert.Single(compressed.Content.Headers.ContentEncoding));
        Assert.Equal(new System.Net.Http.Headers.EntityTagHeaderValue(strong.Tag, isWeak: true), compressed.Headers.ETag);

        // If-None-Match compares weakly (RFC 9110 section 13.1.2): the cached compressed copy revalidates.
        using var notModified = await RevalidateAsync("/files/index.m3u8", compressed.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        // RFC 9110 section 15.4.5: the 304 carries the ETag and Vary the compressed 200 would, so a cache can freshen that copy.
        Assert.Equal(compressed.Headers.ETag, notModified.Headers.ETag);
        Assert.Contains("Accept-Encoding", notModified.Headers.Vary);
        Assert.Empty(notModified.Headers.AcceptRanges); // as the compressed 200: a cache takes the 304's fields
    }

    // RFC 9110 sections 9.3.2 and 15.4.5: HEAD and 304 describe the GET's 200, which for an empty body is uncoded
    // (nothing is written, so nothing is compressed). HEAD went out gzip-coded without a length, the 304 weak-tagged.
    [Theory]
    [InlineData("/files/empty.m3u8")]
    [InlineData("/origin/empty.m3u8")]
    public async Task An_empty_text_body_is_described_alike_by_get_head_and_304(string path)
    {
        using var get = await GetAsync(path, "gzip");
        using var headRequest = new HttpRequestMessage(HttpMethod.Head, new Uri(_gateway.Address, path));
        headRequest.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        using var head = await _raw.SendAsync(headRequest);
        using var notModified = await RevalidateAsync(path, get.Headers.ETag!);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Empty(get.Content.Headers.ContentEncoding);
        Assert.Equal(0, get.Content.Headers.ContentLength);
        Assert.False(get.Headers.ETag!.IsWeak);
        Assert.Empty(head.Content.Headers.ContentEncoding);
        Assert.Equal(0, head.Content.Headers.ContentLength);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(get.Headers.ETag, notModified.Headers.ETag);
        Assert.DoesNotContain("Accept-Encoding", notModified.Headers.Vary);
    }

    [Fact]
    public async Task An_origins_304_to_a_compressed_copy_carries_the_weak_tag_and_Vary_of_that_copy()
    {
        using var compressed = await GetAsync("/origin/notes.txt", "gzip");
        Assert.Equal("gzip", Assert.Single(compressed.Content.Headers.ContentEncoding));
        Assert.True(compressed.Headers.ETag!.IsWeak);

        // nginx compares If-None-Match weakly and answers with its own strong tag, the identity body's.
        using var notModified = await RevalidateAsync("/origin/notes.txt", compressed.Headers.ETag);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(compressed.Headers.ETag, notModified.Headers.ETag);
        Assert.Contains("Accept-Encoding", notModified.Headers.Vary);

        // A client holding the identity copy asks with the strong tag and keeps it.
        using var identity = await GetAsync("/origin/notes.txt", "identity");
        using var strongNotModified = await RevalidateAsync("/origin/notes.txt", identity.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, strongNotModified.StatusCode);
        Assert.Equal(identity.Headers.ETag, strongNotModified.Headers.ETag);
    }

    [Fact]
    public async Task An_origin_response_marked_no_transform_is_sent_as_it_is_and_plain_text_is_compressed()
    {
        using var marked = await GetAsync("/origin/no-transform/notes.txt", "gzip");
        using var plain = await GetAsync("/origin/notes.txt", "gzip");

        Assert.Empty(marked.Content.Headers.ContentEncoding); // RFC 9110 section 7.7
        Assert.Equal(_manifest, await marked.Content.ReadAsStringAsync());
        Assert.Equal("gzip", Assert.Single(plain.Content.Headers.ContentEncoding));
    }

    [Theory]
    [InlineData("/files/index.m3u8")]
    [InlineData("/origin/notes.txt")]
    public async Task A_compressed_body_does_not_offer_the_ranges_its_identity_body_offers(string path)
    {
        using var identity = await GetAsync(path, "identity");
        using var compressed = await GetAsync(path, "gzip");

        Assert.Contains("bytes", identity.Headers.AcceptRanges);
        Assert.Equal("gzip", Assert.Single(compressed.Content.Headers.ContentEncoding));
        // Ranges are served of the identity body only; offering them with the compressed one invites a resume that
        // splices identity bytes into a gzip stream (nginx's gzip drops the header too).
        Assert.Empty(compressed.Headers.AcceptRanges);
    }

    [Fact]
    public async Task A_configured_media_type_with_parameters_is_still_compressible()
    {
        using var response = await GetAsync("/files/captions.vttx", "gzip");

        Assert.Equal("text/vtt; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
    }

    [Fact]
    public async Task A_ranged_request_for_text_is_not_compressed()
    {
        using var response = await GetAsync("/files/index.m3u8", "gzip", range: "bytes=0-99");

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal(_manifest[..100], await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/files/clip.mp4")]  // media: never
    [InlineData("/files/big.json")]  // text over MaxBodySize
    public async Task Media_and_large_bodies_are_sent_as_they_are(string path)
    {
        using var response = await GetAsync(path, "gzip, br");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal(new FileInfo(_folder.Combine(Path.GetFileName(path))).Length, response.Content.Headers.ContentLength);
    }

    [Theory]
    [InlineData("identity;q=1, *;q=0")]  // what browsers' media elements send
    [InlineData("identity")]
    [InlineData("gzip;q=0, br;q=0")]
    public async Task A_request_that_accepts_only_identity_is_answered_as_one_without_the_header(string acceptEncoding)
    {
        using var response = await GetAsync("/files/index.m3u8", acceptEncoding);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.DoesNotContain("Accept-Encoding", response.Headers.Vary);
        Assert.Equal(_manifest, await response.Content.ReadAsStringAsync());
    }

    // RFC 9110 section 12.5.3: "*" stands for the codings the field does not list; one refused by name (q=0) stays refused.
    [Theory]
    [InlineData("br;q=0, *", "gzip")]
    [InlineData("*, br;q=0", "gzip")]
    [InlineData("gzip;q=0, br;q=0, *", null)]
    [InlineData("gzip;q=0, *;q=0.5", "br")]
    public async Task A_coding_refused_by_name_is_not_brought_back_by_a_wildcard(string acceptEncoding, string? expected)
    {
        using var response = await GetAsync("/files/index.m3u8", acceptEncoding);

        Assert.Equal(expected, response.Content.Headers.ContentEncoding.SingleOrDefault());
    }

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        await _gateway.DisposeAsync();
        _origin.Dispose();
        _folder.Dispose();
    }

    /// <summary>A cache's revalidation of its copy of <paramref name="path"/> by <paramref name="tag"/>, accepting gzip.</summary>
    private Task<HttpResponseMessage> RevalidateAsync(string path, System.Net.Http.Headers.EntityTagHeaderValue tag)
    {
        var revalidation = new HttpRequestMessage(HttpMethod.Get, new Uri(_gateway.Address, path));
        revalidation.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        revalidation.Headers.IfNoneMatch.Add(tag);
        return _raw.SendAsync(revalidation);
    }

    private Task<HttpResponseMessage> GetAsync(string path, string acceptEncoding, string? range = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_gateway.Address, path));
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        return _raw.SendAsync(request);
    }
}
