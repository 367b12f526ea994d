using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Caching;

/// <summary>
/// The test origin of the origin-route cache tests (<see cref="CachingOrigin"/>) must count what it served and answer
/// ranges and conditionals as RFC 9110 says, or those tests prove nothing. Plain HttpClient against it, no gateway.
/// </summary>
public sealed class CachingOriginTests : IAsyncLifetime
{
    private const long Size = 1_000_000;

    private CachingOrigin _origin = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _origin = await CachingOrigin.StartAsync();
        _http = new HttpClient { BaseAddress = _origin.Address };
    }

    [Fact]
    public async Task A_get_is_served_whole_with_the_configured_headers_and_recorded_with_its_bytes()
    {
        var resource = _origin.Serve("/whole.bin", Size, seed: 7);
        resource.Headers["Cache-Control"] = "public, max-age=60";
        resource.Headers["Set-Cookie"] = new[] { "a=1", "b=2" };

        using var get = new HttpRequestMessage(HttpMethod.Get, "/whole.bin");
        get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "token");
        using var response = await _http.SendAsync(get);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(resource.ETag, response.Headers.ETag!.ToString());
        Assert.Equal(CachingOrigin.DefaultLastModified, response.Content.Headers.LastModified);
        Assert.Equal("public, max-age=60", response.Headers.CacheControl!.ToString());
        Assert.Equal(["a=1", "b=2"], response.Headers.GetValues("Set-Cookie"));
        Assert.Equal(["bytes"], response.Headers.AcceptRanges);
        Assert.Equal(resource.Sha256(), Sha256(await response.Content.ReadAsByteArrayAsync()));

        var request = Assert.Single(_origin.Requests("/whole.bin"));
        Assert.Equal(new CachingOriginRequest("GET", "/whole.bin", null, null, null, null, null, Authorization: true, null, 200, Size, Complete: true, Aborted: false), request);
    }

    [Fact]
    public async Task Single_ranges_are_206_with_exactly_those_bytes_and_others_follow_RFC_9110()
    {
        var resource = _origin.Serve("/ranges.bin", Size, seed: 8);

        using (var middle = await GetAsync("/ranges.bin", range: "bytes=100000-199999"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, middle.StatusCode);
            Assert.Equal("bytes 100000-199999/1000000", middle.Content.Headers.ContentRange!.ToString());
            Assert.Equal(SeededBytes.Bytes(8, 100_000, 100_000), await middle.Content.ReadAsByteArrayAsync());
        }

        using (var suffix = await GetAsync("/ranges.bin", range: "bytes=-10"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, suffix.StatusCode);
            Assert.Equal("bytes 999990-999999/1000000", suffix.Content.Headers.ContentRange!.ToString());
            Assert.Equal(SeededBytes.Bytes(8, Size - 10, 10), await suffix.Content.ReadAsByteArrayAsync());
        }

        using (var clamped = await GetAsync("/ranges.bin", range: "bytes=999999-2000000"))
        {
            Assert.Equal("bytes 999999-999999/1000000", clamped.Content.Headers.ContentRange!.ToString());
        }

        using (var unsatisfiable = await GetAsync("/ranges.bin", range: "bytes=1000000-"))
        {
            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);
            Assert.Equal("bytes */1000000", unsatisfiable.Content.Headers.ContentRange!.ToString());
        }

        // Several ranges may be ignored (RFC 9110 section 14.2): the whole body, 200.
        using (var several = await GetAsync("/ranges.bin", range: "bytes=0-9,20-29"))
        {
            Assert.Equal(HttpStatusCode.OK, several.StatusCode);
            Assert.Equal(resource.Sha256(), Sha256(await several.Content.ReadAsByteArrayAsync()));
        }

        Assert.Equal(
            [("bytes=100000-199999", 206, 100_000L), ("bytes=-10", 206, 10L), ("bytes=999999-2000000", 206, 1L), ("bytes=1000000-", 416, 0L), ("bytes=0-9,20-29", 200, Size)],
            _origin.Requests("/ranges.bin").Select(r => (r.Range!, r.Status, r.BodyBytes)));
    }

    [Fact]
    public async Task An_origin_without_range_support_sends_the_whole_body_with_200()
    {
        var resource = _origin.Serve("/no-ranges.bin", Size, seed: 9);
        resource.Ranges = false;

        using var response = await GetAsync("/no-ranges.bin", range: "bytes=500000-500099");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Headers.AcceptRanges);
        Assert.Equal(resource.Sha256(), Sha256(await response.Content.ReadAsByteArrayAsync()));
        var request = Assert.Single(_origin.Requests("/no-ranges.bin"));
        Assert.Equal(("bytes=500000-500099", 200, Size), (request.Range, request.Status, request.BodyBytes));
    }

    [Fact]
    public async Task A_revalidation_with_the_current_validator_is_a_304_with_the_current_caching_headers()
    {
        var resource = _origin.Serve("/revalidate.bin", Size, seed: 10);
        resource.Headers["Cache-Control"] = "max-age=1";

        using (var etagMatch = await GetAsync("/revalidate.bin", ifNoneMatch: resource.ETag))
        {
            Assert.Equal(HttpStatusCode.NotModified, etagMatch.StatusCode);
            Assert.Equal(resource.ETag, etagMatch.Headers.ETag!.ToString());
            Assert.Equal("max-age=1", etagMatch.Headers.CacheControl!.ToString());
            Assert.Empty(await etagMatch.Content.ReadAsByteArrayAsync());
        }

        // A 304 carries what a 200 would now: a cache updates its stored headers from it (RFC 9111 section 4.3.4).
        resource.Headers = new(StringComparer.OrdinalIgnoreCase) { ["Cache-Control"] = "max-age=120" };
        using (var weakMatch = await GetAsync("/revalidate.bin", ifNoneMatch: "W/" + resource.ETag))
        {
            Assert.Equal(HttpStatusCode.NotModified, weakMatch.StatusCode);
            Assert.Equal("max-age=120", weakMatch.Headers.CacheControl!.ToString());
        }

        using (var dateMatch = new HttpRequestMessage(HttpMethod.Get, "/revalidate.bin"))
        {
            dateMatch.Headers.IfModifiedSince = CachingOrigin.DefaultLastModified;
            using var response = await _http.SendAsync(dateMatch);
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        }

        using (var changed = await GetAsync("/revalidate.bin", ifNoneMatch: "\"an-old-version\""))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            Assert.Equal(resource.Sha256(), Sha256(await changed.Content.ReadAsByteArrayAsync()));
        }

        resource.NotModified = false;
        using (var ignored = await GetAsync("/revalidate.bin", ifNoneMatch: resource.ETag))
        {
            Assert.Equal(HttpStatusCode.OK, ignored.StatusCode);
        }

        var requests = _origin.Requests("/revalidate.bin");
        Assert.Equal([304, 304, 304, 200, 200], requests.Select(r => r.Status));
        Assert.Equal([0, 0, 0, Size, Size], requests.Select(r => r.BodyBytes));
        Assert.Equal([resource.ETag, "W/" + resource.ETag, null, "\"an-old-version\"", resource.ETag], requests.Select(r => r.IfNoneMatch));
        Assert.NotNull(requests[2].IfModifiedSince);
    }

    [Fact]
    public async Task If_match_and_if_range_compare_strongly()
    {
        var resource = _origin.Serve("/pinned.bin", Size, seed: 11);

        using (var current = await GetAsync("/pinned.bin", range: "bytes=0-99", ifMatch: resource.ETag))
        {
            Assert.Equal(HttpStatusCode.PartialContent, current.StatusCode);
        }

        using (var weak = await GetAsync("/pinned.bin", range: "bytes=0-99", ifMatch: "W/" + resource.ETag))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, weak.StatusCode);
        }

        using (var other = await GetAsync("/pinned.bin", ifMatch: "\"other\""))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, other.StatusCode);
        }

        using (var rangeHolds = await GetAsync("/pinned.bin", range: "bytes=0-99", ifRange: resource.ETag))
        {
            Assert.Equal(HttpStatusCode.PartialContent, rangeHolds.StatusCode);
        }

        // A changed (or weak) validator in If-Range: the whole current body instead (RFC 9110 section 13.1.5).
        using (var rangeStale = await GetAsync("/pinned.bin", range: "bytes=0-99", ifRange: "\"other\""))
        {
            Assert.Equal(HttpStatusCode.OK, rangeStale.StatusCode);
            Assert.Equal(Size, (await rangeStale.Content.ReadAsByteArrayAsync()).Length);
        }

        using (var rangeWeak = await GetAsync("/pinned.bin", range: "bytes=0-99", ifRange: "W/" + resource.ETag))
        {
            Assert.Equal(HttpStatusCode.OK, rangeWeak.StatusCode);
        }

        Assert.Equal([206, 412, 412, 206, 200, 200], _origin.Requests("/pinned.bin").Select(r => r.Status));
        Assert.Equal(resource.ETag, _origin.Requests("/pinned.bin")[0].IfMatch);
    }

    [Fact]
    public async Task Each_variant_gets_its_own_body_and_the_vary_header()
    {
        var resource = _origin.Serve("/vary.bin", Size, seed: 12);
        resource.VaryBy = "Accept-Language";

        var bodies = new List<string>();
        foreach (var language in new[] { "en", "fr", "en" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/vary.bin");
            request.Headers.AcceptLanguage.ParseAdd(language);
            using var response = await _http.SendAsync(request);
            Assert.Equal(["Accept-Language"], response.Headers.Vary);
            var sha = Sha256(await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(resource.Sha256(language), sha);
            bodies.Add(sha);
        }

        Assert.NotEqual(bodies[0], bodies[1]);
        Assert.Equal(bodies[0], bodies[2]);
        Assert.Equal(["en", "fr", "en"], _origin.Requests("/vary.bin").Select(r => r.Variant));
    }

    [Fact]
    public async Task It_can_fail_with_503_refuse_connections_and_come_back_on_the_same_port()
    {
        var resource = _origin.Serve("/outage.bin", 1000, seed: 13);
        var port = _origin.Port;

        resource.Unavailable = true;
        using (var failing = await _http.GetAsync("/outage.bin"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failing.StatusCode);
            Assert.Null(failing.Headers.ETag);
        }

        resource.Unavailable = false;
        await _origin.StopAsync();
        await Assert.ThrowsAsync<HttpRequestException>(() => _http.GetAsync("/outage.bin"));

        await _origin.StartAgainAsync();
        Assert.Equal(port, _origin.Port);
        using (var back = await _http.GetAsync("/outage.bin"))
        {
            Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        }

        Assert.Equal([503, 200], _origin.Requests("/outage.bin").Select(r => r.Status));
        Assert.Equal(404, (await StatusOfAsync("/nothing-here")).Status);
    }

    [Fact]
    public async Task A_256_MiB_body_is_streamed_and_a_paused_response_is_recorded_as_it_goes()
    {
        const long large = 256L * TestData.MiB;
        var resource = _origin.Serve("/large.bin", large, seed: 14);
        resource.PauseAt = 8L * TestData.MiB;

        using var response = await _http.GetAsync("/large.bin", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        // Read while the origin writes, or 8 MiB would not fit in the socket buffers and it would never reach the pause.
        var hashing = TestData.Sha256Async(body);
        await resource.Paused.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var during = Assert.Single(_origin.Requests("/large.bin"));
        Assert.Equal((200, 8L * TestData.MiB, false, false), (during.Status, during.BodyBytes, during.Complete, during.Aborted));

        resource.Gate.TrySetResult();
        Assert.Equal(resource.Sha256(), await hashing);

        var after = Assert.Single(_origin.Requests("/large.bin"));
        Assert.Equal((large, true, false), (after.BodyBytes, after.Complete, after.Aborted));
    }

    [Fact]
    public async Task A_client_that_leaves_mid_body_is_recorded_as_aborted()
    {
        var resource = _origin.Serve("/left.bin", 64L * TestData.MiB, seed: 15);
        resource.PauseAt = CachingOrigin.ChunkSize; // fits in the socket buffers of an unread connection

        using (var response = await _http.GetAsync("/left.bin", HttpCompletionOption.ResponseHeadersRead))
        {
            await resource.Paused.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }

        // Disposing an unread response closes its connection; the origin sees it while waiting at the gate.
        await Eventually.TrueAsync(() => _origin.Requests("/left.bin").Single().Aborted, "the origin seeing the client leave");
        var request = _origin.Requests("/left.bin").Single();
        Assert.Equal((CachingOrigin.ChunkSize, false), (request.BodyBytes, request.Complete));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _origin.DisposeAsync();
    }

    private async Task<CachingOriginRequest> StatusOfAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return _origin.Requests(path).Single();
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? range = null, string? ifNoneMatch = null, string? ifMatch = null, string? ifRange = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        AddIfSet(request, "Range", range);
        AddIfSet(request, "If-None-Match", ifNoneMatch);
        AddIfSet(request, "If-Match", ifMatch);
        AddIfSet(request, "If-Range", ifRange);
        return await _http.SendAsync(request);
    }

    private static void AddIfSet(HttpRequestMessage request, string name, string? value)
    {
        if (value is not null)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));
}
