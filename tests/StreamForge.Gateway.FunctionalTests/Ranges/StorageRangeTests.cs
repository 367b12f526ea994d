using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.WebUtilities;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Ranges;

/// <summary>RFC 9110 ranges and conditionals on storage routes, the same for S3 and the file store.</summary>
[Collection(S3Collection.Name)]
public sealed class StorageRangeTests(S3ServerFixture s3) : IAsyncLifetime
{
    private const int Length = 100_000;

    private readonly TempFolder _folder = new("ranges");
    private GatewayHost _gateway = null!;
    private byte[] _content = [];

    public static TheoryData<string> Routes => new() { "/files/clip.mp4", "/s3/clip.mp4" };

    public async Task InitializeAsync()
    {
        var path = _folder.Combine("root", "clip.mp4");
        TestData.CreateFile(path, Length, seed: 5);
        _content = File.ReadAllBytes(path);
        await s3.PutFileAsync("ranges/clip.mp4", path);
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/ranges/")
            .Route("s3", "/s3/{**key}", "bucket", policy: "video")
            .Cluster("files", $"file://{_folder.Combine("root")}/")
            .Route("files", "/files/{**key}", "files", policy: "video")
            .Set("StreamForge:StreamPolicies:video:Range:MaxRanges", "4"));
    }

    // RFC 9110 section 14.1.2: byte-range-spec, suffix-range and open-ended forms; section 15.3.7: 206.
    [Theory]
    [InlineData("bytes=0-99", 0, 99)]
    [InlineData("bytes=0-0", 0, 0)]
    [InlineData("bytes=-100", Length - 100, Length - 1)]
    [InlineData("bytes=99990-", 99_990, Length - 1)]
    [InlineData("bytes=50000-999999999", 50_000, Length - 1)]
    [InlineData("bytes=-999999999", 0, Length - 1)]
    public async Task A_single_range_gets_206_with_exactly_those_bytes(string range, long first, long last)
    {
        foreach (var route in Routes)
        {
            using var response = await GetAsync(route, request => request.Headers.Range = RangeHeaderValue.Parse(range));

            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal($"bytes {first}-{last}/{Length}", response.Content.Headers.ContentRange!.ToString());
            Assert.Equal(last - first + 1, response.Content.Headers.ContentLength);
            Assert.Equal(_content[(int)first..(int)(last + 1)], await response.Content.ReadAsByteArrayAsync());
        }
    }

    // RFC 9110 section 15.5.17: 416 with Content-Range: bytes */length.
    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_range_past_the_end_gets_416_with_the_length(string route)
    {
        using var response = await GetAsync(route, request => request.Headers.TryAddWithoutValidation("Range", $"bytes={Length}-"));

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal($"bytes */{Length}", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal("range_not_satisfiable", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
    }

    // RFC 9110 section 14.2: a Range the server cannot parse is ignored.
    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_syntactically_invalid_range_is_ignored(string route)
    {
        using var response = await GetAsync(route, request => request.Headers.TryAddWithoutValidation("Range", "bytes=abc"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_content, await response.Content.ReadAsByteArrayAsync());
    }

    // RFC 9110 section 14.6: multipart/byteranges, each part with its Content-Type and Content-Range.
    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Several_ranges_get_a_multipart_byteranges_body(string route)
    {
        using var response = await GetAsync(route, request => request.Headers.TryAddWithoutValidation("Range", "bytes=0-9, 500-599, -5"));

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("multipart/byteranges", response.Content.Headers.ContentType!.MediaType);
        var boundary = response.Content.Headers.ContentType.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        var reader = new MultipartReader(boundary, await response.Content.ReadAsStreamAsync());
        var expected = new[] { (0, 9), (500, 599), (Length - 5, Length - 1) };
        foreach (var (first, last) in expected)
        {
            var section = await reader.ReadNextSectionAsync();
            Assert.NotNull(section);
            Assert.Equal("video/mp4", section.ContentType);
            Assert.Equal($"bytes {first}-{last}/{Length}", section.Headers!["Content-Range"].ToString());
            using var part = new MemoryStream();
            await section.Body.CopyToAsync(part);
            Assert.Equal(_content[first..(last + 1)], part.ToArray());
        }

        Assert.Null(await reader.ReadNextSectionAsync());
    }

    // CVE-2011-3192: too many or overlapping ranges are not honoured; this policy serves the whole object.
    [Theory]
    [InlineData("bytes=0-1,2-3,4-5,6-7,8-9")]
    [InlineData("bytes=0-5000,100-200")]
    [InlineData("bytes=0-,0-,0-")]
    public async Task Abusive_range_sets_get_the_whole_object(string range)
    {
        foreach (var route in Routes)
        {
            using var response = await GetAsync(route, request => request.Headers.TryAddWithoutValidation("Range", range));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Length, (await response.Content.ReadAsByteArrayAsync()).Length);
        }
    }

    // RFC 9110 sections 13.1.2 and 13.1.3: If-None-Match / If-Modified-Since give 304 with the validators.
    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Revalidation_gets_304_with_etag_and_last_modified(string route)
    {
        var (etag, lastModified) = await ValidatorsAsync(route);

        using var byEtag = await GetAsync(route, request => request.Headers.IfNoneMatch.Add(etag));
        using var byDate = await GetAsync(route, request => request.Headers.IfModifiedSince = lastModified);
        using var head = await SendAsync(HttpMethod.Head, route, request => request.Headers.IfNoneMatch.Add(etag));

        foreach (var response in new[] { byEtag, byDate, head })
        {
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
            Assert.Equal(etag, response.Headers.ETag);
            Assert.Equal(lastModified, response.Content.Headers.LastModified);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }
    }

    // RFC 9110 sections 13.1.1 and 13.1.4: If-Match / If-Unmodified-Since give 412.
    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Failed_preconditions_get_412_with_a_code(string route)
    {
        var (etag, lastModified) = await ValidatorsAsync(route);

        using var wrongEtag = await GetAsync(route, request => request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"something-else\"")));
        using var tooOld = await GetAsync(route, request => request.Headers.IfUnmodifiedSince = lastModified!.Value.AddDays(-1));
        using var matching = await GetAsync(route, request => request.Headers.IfMatch.Add(etag));

        Assert.Equal(HttpStatusCode.PreconditionFailed, wrongEtag.StatusCode);
        Assert.Equal("precondition_failed", (await wrongEtag.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        Assert.Equal(HttpStatusCode.PreconditionFailed, tooOld.StatusCode);
        Assert.Equal(HttpStatusCode.OK, matching.StatusCode);
    }

    // RFC 9110 section 13.1.5: If-Range with the current strong ETag or exact date keeps the range; otherwise 200.
    [Theory]
    [MemberData(nameof(Routes))]
    public async Task If_range_decides_between_206_and_the_full_200(string route)
    {
        var (etag, lastModified) = await ValidatorsAsync(route);

        using var sameEtag = await GetAsync(route, request => Ranged(request, etag.Tag));
        using var sameDate = await GetAsync(route, request => Ranged(request, lastModified!.Value.ToString("R")));
        using var staleEtag = await GetAsync(route, request => Ranged(request, "\"stale\""));
        using var weakEtag = await GetAsync(route, request => Ranged(request, "W/" + etag.Tag));
        // An empty If-Range is no validator: it cannot match, so the range is ignored (it was taken as absent: 206).
        using var emptyValidator = await GetAsync(route, request => Ranged(request, ""));

        Assert.Equal(HttpStatusCode.PartialContent, sameEtag.StatusCode);
        Assert.Equal(HttpStatusCode.PartialContent, sameDate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, staleEtag.StatusCode);
        Assert.Equal(Length, (await staleEtag.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal(HttpStatusCode.OK, weakEtag.StatusCode);
        Assert.Equal(HttpStatusCode.OK, emptyValidator.StatusCode);

        static void Ranged(HttpRequestMessage request, string ifRange)
        {
            request.Headers.TryAddWithoutValidation("Range", "bytes=10-19");
            request.Headers.TryAddWithoutValidation("If-Range", ifRange);
        }
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Head_answers_like_an_unranged_get(string route)
    {
        using var get = await GetAsync(route, _ => { });
        using var head = await SendAsync(HttpMethod.Head, route, request => request.Headers.TryAddWithoutValidation("Range", "bytes=0-9"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(Length, head.Content.Headers.ContentLength);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Contains("bytes", head.Headers.AcceptRanges);
    }

    private async Task<(EntityTagHeaderValue ETag, DateTimeOffset? LastModified)> ValidatorsAsync(string route)
    {
        using var head = await SendAsync(HttpMethod.Head, route, _ => { });
        return (head.Headers.ETag!, head.Content.Headers.LastModified);
    }

    private Task<HttpResponseMessage> GetAsync(string route, Action<HttpRequestMessage> configure) => SendAsync(HttpMethod.Get, route, configure);

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string route, Action<HttpRequestMessage> configure)
    {
        var request = new HttpRequestMessage(method, route);
        configure(request);
        return _gateway.Client.SendAsync(request);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _folder.Dispose();
    }
}
