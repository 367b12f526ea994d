using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Caching;

/// <summary>
/// The edge cache on an origin route, with RFC 9111 shared-cache rules, counted on the origin side
/// (<see cref="CachingOrigin"/> records every request it answered).
/// </summary>
public sealed class OriginCacheTests : IAsyncLifetime
{
    private const long Size = 4L * 1024 * 1024;
    private const string ApiKey = "purge-key-0123456789abcdef";
    private readonly TempFolder _folder = new("origin-cache");
    private readonly ShiftedClock _clock = new();
    private CachingOrigin _origin = null!;
    private GatewayHost _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _origin = await CachingOrigin.StartAsync();
        _gateway = await GatewayHost.StartAsync(
            new GatewayConfig()
                .Cluster("origin", _origin.Address.ToString())
                .Route("cached-web", "/o/{**rest}", "origin", policy: "edge")
                .Set("ReverseProxy:Routes:cached-web:Transforms:0:PathRemovePrefix", "/o")
                .Set("StreamForge:Cache:Directory", _folder.Combine("cache"))
                .Set("StreamForge:Auth:ApiKeys:operator", ApiKey)
                .Set("StreamForge:StreamPolicies:edge:Range:SliceSize", "1MiB")
                .Set("StreamForge:StreamPolicies:edge:Cache:Enabled", "true")
                .Set("StreamForge:StreamPolicies:edge:Cache:Ttl", "00:01:00")
                .Set("StreamForge:StreamPolicies:edge:Cache:StaleIfError", "00:10:00")
                // Storage routes only: on this origin route the origin's own Cache-Control must go out.
                .Set("StreamForge:StreamPolicies:edge:Headers:CacheControl", "public, max-age=31536000, immutable"),
            services: services => services.AddSingleton<TimeProvider>(_clock));
        _client = _gateway.Client;
    }

    [Fact]
    public async Task A_max_age_response_is_stored_in_slices_and_served_from_disk_while_fresh()
    {
        var resource = Serve("/fresh.bin", "public, max-age=300");

        using (var first = await _client.GetAsync("/o/fresh.bin"))
        {
            Assert.Equal(resource.Sha256(), TestData.Sha256(await first.Content.ReadAsByteArrayAsync()));
            Assert.Equal("StreamForge; fwd=miss; stored", CacheStatus(first));
            Assert.Equal("public, max-age=300", first.Headers.CacheControl?.ToString());
        }

        var served = _origin.Requests("/fresh.bin").Count;
        _clock.Advance(TimeSpan.FromSeconds(100));
        using var second = await _client.GetAsync("/o/fresh.bin");

        Assert.Equal(resource.Sha256(), TestData.Sha256(await second.Content.ReadAsByteArrayAsync()));
        Assert.StartsWith("StreamForge; hit; ttl=", CacheStatus(second), StringComparison.Ordinal);
        Assert.True(second.Headers.Age >= TimeSpan.FromSeconds(100), $"Age {second.Headers.Age}");
        Assert.Equal(served, _origin.Requests("/fresh.bin").Count);
        Assert.Equal(Size, _origin.Requests("/fresh.bin").Sum(r => r.BodyBytes));
    }

    [Theory]
    [InlineData(null, "bytes=0-1048575")]
    [InlineData("bytes=0-", "bytes=0-1048575")]
    [InlineData("bytes=2500000-2500099", "bytes=2097152-3145727")]
    public async Task A_miss_costs_the_origin_one_request_whose_body_fills_the_slice_the_client_reads_first(string? range, string asked)
    {
        var resource = Serve("/one-look.bin", "public, max-age=300");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/o/one-look.bin");
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        using (var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            var body = await response.Content.ReadAsByteArrayAsync();
            var first = range is null ? 0 : response.Content.Headers.ContentRange!.From!.Value;
            Assert.Equal(SeededBytes.Bytes(resource.Seed, first, body.Length), body);
            Assert.Equal("StreamForge; fwd=miss; stored", CacheStatus(response));
        }

        Assert.Equal(asked, _origin.Requests("/one-look.bin")[0].Range);
        if (range == "bytes=2500000-2500099")
        {
            // The slice read for the seek is stored (or still filling, joined): all of it comes without another request.
            using var slice = new HttpRequestMessage(HttpMethod.Get, "/o/one-look.bin") { Headers = { Range = new RangeHeaderValue(2_097_152, 3_145_727) } };
            using var response = await _client.SendAsync(slice);
            Assert.Equal(SeededBytes.Bytes(resource.Seed, 2_097_152, 1_048_576), await response.Content.ReadAsByteArrayAsync());
            Assert.Single(_origin.Requests("/one-look.bin"));
            return;
        }

        // The whole object reads its four slices, each once and whole.
        var origin = _origin.Requests("/one-look.bin");
        Assert.Equal(4, origin.Count);
        Assert.All(origin, r => Assert.True(r.Complete, $"{r.Range} was cut short"));
        Assert.Equal(Size, origin.Sum(r => r.BodyBytes));
    }

    [Fact]
    public async Task A_first_looks_slice_is_stored_even_when_its_client_reads_none_of_it()
    {
        var resource = Serve("/refused.bin", "public, max-age=300");
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/o/refused.bin") { Headers = { { "If-Match", "\"another\"" } } })
        using (var response = await _client.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        }

        // The slice the look paid for fills on its own: a reader of it gets it (from disk or joining the fill) for free.
        using var slice = new HttpRequestMessage(HttpMethod.Get, "/o/refused.bin") { Headers = { Range = new RangeHeaderValue(0, 1_048_575) } };
        using var again = await _client.SendAsync(slice);
        Assert.Equal(SeededBytes.Bytes(resource.Seed, 0, 1_048_576), await again.Content.ReadAsByteArrayAsync());
        var look = Assert.Single(_origin.Requests("/refused.bin"));
        Assert.Equal(("bytes=0-1048575", false), (look.Range, look.Aborted));
    }

    [Fact]
    public async Task A_small_object_is_stored_from_one_origin_request()
    {
        var resource = _origin.Serve("/segment.ts", 300_000, seed: 11);
        resource.Headers["Cache-Control"] = "public, max-age=300";

        foreach (var expected in new[] { "StreamForge; fwd=miss; stored", "StreamForge; hit" })
        {
            using var response = await _client.GetAsync("/o/segment.ts");
            Assert.Equal(resource.Sha256(), TestData.Sha256(await response.Content.ReadAsByteArrayAsync()));
            Assert.StartsWith(expected, CacheStatus(response), StringComparison.Ordinal);
        }

        var origin = Assert.Single(_origin.Requests("/segment.ts"));
        Assert.Equal(("bytes=0-1048575", 206, 300_000L, true), (origin.Range, origin.Status, origin.BodyBytes, origin.Complete));
    }

    [Fact]
    public async Task A_HEAD_looks_at_one_byte_a_conditional_GET_sends_its_validator_and_a_seek_past_the_end_keeps_the_URL_cacheable()
    {
        Serve("/look.bin", "public, max-age=300");
        using (var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/o/look.bin")))
        {
            Assert.Equal(Size, head.Content.Headers.ContentLength);
        }

        var past = Serve("/past.bin", "public, max-age=300");
        using (var seek = new HttpRequestMessage(HttpMethod.Get, "/o/past.bin") { Headers = { Range = new RangeHeaderValue(Size + 10, null) } })
        using (var response = await _client.SendAsync(seek))
        {
            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        }

        var revalidating = Serve("/conditional.bin", "public, max-age=300");
        using (var conditional = new HttpRequestMessage(HttpMethod.Get, "/o/conditional.bin") { Headers = { { "If-None-Match", revalidating.ETag } } })
        using (var response = await _client.SendAsync(conditional))
        {
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        }

        Assert.Equal("bytes=0-0", Assert.Single(_origin.Requests("/look.bin")).Range);
        // The client's validator goes with the look at its slice: the origin's 304 is the client's answer.
        var look = Assert.Single(_origin.Requests("/conditional.bin"));
        Assert.Equal(("bytes=0-1048575", revalidating.ETag, 304), (look.Range, look.IfNoneMatch, look.Status));
        Assert.Equal(["bytes=4194304-5242879", "bytes=0-0"], _origin.Requests("/past.bin").Select(r => r.Range));
        using var later = await _client.GetAsync("/o/past.bin");
        Assert.Equal(past.Sha256(), TestData.Sha256(await later.Content.ReadAsByteArrayAsync()));
        // The metadata was stored by the look at one byte: the body is a partial hit, read slice by slice.
        Assert.StartsWith("StreamForge; fwd=partial", CacheStatus(later), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_cold_readers_and_seeks_share_one_read_of_each_slice()
    {
        var resource = Serve("/stampede.bin", "public, max-age=300");
        var bytes = SeededBytes.Bytes(resource.Seed, 0, (int)Size);

        var whole = Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await _client.GetAsync("/o/stampede.bin");
            return TestData.Sha256(await response.Content.ReadAsByteArrayAsync()) == resource.Sha256();
        });
        var seeks = Enumerable.Range(0, 4).Select(async i =>
        {
            var first = 700_000L * i + 12_345;
            using var seek = new HttpRequestMessage(HttpMethod.Get, "/o/stampede.bin") { Headers = { Range = new RangeHeaderValue(first, first + 1_500_000) } };
            using var response = await _client.SendAsync(seek);
            return response.StatusCode == HttpStatusCode.PartialContent && (await response.Content.ReadAsByteArrayAsync()).AsSpan().SequenceEqual(bytes.AsSpan((int)first, 1_500_001));
        });

        Assert.All(await Task.WhenAll(whole.Concat(seeks)), Assert.True);
        Assert.Equal(Size, _origin.Requests("/stampede.bin").Sum(r => r.BodyBytes));
    }

    [Theory]
    [InlineData("no-store")]
    [InlineData("private, max-age=300")]
    public async Task Responses_a_shared_cache_may_not_store_go_to_the_origin_every_time(string cacheControl)
    {
        var resource = Serve("/personal.bin", cacheControl);

        for (var read = 0; read < 3; read++)
        {
            using var response = await _client.GetAsync("/o/personal.bin");
            Assert.Equal(resource.Sha256(), TestData.Sha256(await response.Content.ReadAsByteArrayAsync()));
            Assert.Equal("StreamForge; fwd=miss", CacheStatus(response));
        }

        Assert.Equal(3, _origin.Requests("/personal.bin").Count(r => r.Range is null && r.Status == 200 && r.BodyBytes == Size));
        Assert.Empty(Directory.EnumerateFiles(_folder.Combine("cache"), "*.0", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("no-store", null, 200)]
    [InlineData("no-store", "bytes=0-", 206)]
    [InlineData("no-cache, no-store", null, 200)]
    [InlineData("private", "bytes=0-999999", 206)]
    public async Task An_answer_the_cache_does_not_store_is_passed_on_from_the_one_origin_request_when_it_answers_the_client_too(string kind, string? range, int status)
    {
        var resource = _origin.Serve("/unstored.ts", 300_000, seed: 12);
        resource.Headers["Cache-Control"] = kind;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/o/unstored.ts");
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        using var response = await _client.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(resource.Sha256(), TestData.Sha256(await response.Content.ReadAsByteArrayAsync()));
        Assert.Equal(status == 206 ? "bytes 0-299999/300000" : null, response.Content.Headers.ContentRange?.ToString());
        Assert.Equal("StreamForge; fwd=miss", CacheStatus(response));
        var origin = Assert.Single(_origin.Requests("/unstored.ts"));
        Assert.Equal(("bytes=0-1048575", 300_000L), (origin.Range, origin.BodyBytes));
    }

    [Fact]
    public async Task A_response_without_a_validator_is_stored_when_one_answer_held_all_of_it()
    {
        var small = _origin.Serve("/plain.m3u8", 5_000, seed: 14);
        var large = _origin.Serve("/plain.bin", 1_500_000, seed: 15);
        foreach (var resource in new[] { small, large })
        {
            resource.Headers["Cache-Control"] = "public, max-age=300";
            (resource.ETag, resource.LastModified) = (null, null);
        }

        foreach (var (path, resource, statuses) in new[]
        {
            ("/plain.m3u8", small, new[] { "StreamForge; fwd=miss; stored", "StreamForge; hit" }),
            // Two slices read at different times could be two versions: not stored.
            ("/plain.bin", large, new[] { "StreamForge; fwd=miss", "StreamForge; fwd=miss" }),
        })
        {
            foreach (var expected in statuses)
            {
                using var response = await _client.GetAsync("/o" + path);
                Assert.Equal(resource.Sha256(), TestData.Sha256(await response.Content.ReadAsByteArrayAsync()));
                Assert.StartsWith(expected, CacheStatus(response), StringComparison.Ordinal);
                Assert.Null(response.Headers.ETag);
            }
        }

        Assert.Single(_origin.Requests("/plain.m3u8"));

        // A HEAD first sees one byte of it: no reason to keep the URL out of the cache, and the next GET stores it.
        var headFirst = _origin.Serve("/plain-head.m3u8", 5_000, seed: 21);
        headFirst.Headers["Cache-Control"] = "public, max-age=300";
        (headFirst.ETag, headFirst.LastModified) = (null, null);
        (await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/o/plain-head.m3u8"))).Dispose();
        foreach (var expected in new[] { "StreamForge; fwd=miss; stored", "StreamForge; hit" })
        {
            using var response = await _client.GetAsync("/o/plain-head.m3u8");
            Assert.Equal(headFirst.Sha256(), TestData.Sha256(await response.Content.ReadAsByteArrayAsync()));
            Assert.StartsWith(expected, CacheStatus(response), StringComparison.Ordinal);
        }

        Assert.Equal(2, _origin.Requests("/plain-head.m3u8").Count);
        Assert.Equal(["bytes=0-1048575", null, null], _origin.Requests("/plain.bin").Select(r => r.Range));

        // Its slice gone from disk, the version cannot be read again without a validator: it goes, and the request
        // is answered from a new look.
        foreach (var slice in Directory.EnumerateFiles(_folder.Combine("cache"), "*.0", SearchOption.AllDirectories))
        {
            File.Delete(slice);
        }

        small.Seed = 16;
        using var again = await _client.GetAsync("/o/plain.m3u8");
        Assert.Equal(small.Sha256(), TestData.Sha256(await again.Content.ReadAsByteArrayAsync()));
        Assert.Equal("StreamForge; fwd=miss; stored", CacheStatus(again)); // Said of the version served, not of the one dropped.
        Assert.Equal(2, _origin.Requests("/plain.m3u8").Count);
    }

    [Fact]
    public async Task A_HEAD_or_a_conditional_GET_whose_answer_is_not_stored_costs_the_origin_one_request()
    {
        var resource = _origin.Serve("/unstored-head.ts", 300_000, seed: 17);
        resource.Headers["Cache-Control"] = "no-store";
        using (var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/o/unstored-head.ts")))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(300_000, head.Content.Headers.ContentLength);
            Assert.Null(head.Content.Headers.ContentRange);
        }

        Assert.Equal("bytes=0-0", Assert.Single(_origin.Requests("/unstored-head.ts")).Range);

        var other = _origin.Serve("/unstored-conditional.ts", 300_000, seed: 18);
        other.Headers["Cache-Control"] = "no-store";
        using (var conditional = new HttpRequestMessage(HttpMethod.Get, "/o/unstored-conditional.ts") { Headers = { { "If-None-Match", other.ETag } } })
        using (var response = await _client.SendAsync(conditional))
        {
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
            Assert.Equal(other.ETag, response.Headers.ETag?.ToString());
        }

        Assert.Equal(304, Assert.Single(_origin.Requests("/unstored-conditional.ts")).Status);
    }

    [Fact]
    public async Task A_HEAD_answered_from_a_look_at_an_origin_that_ignores_ranges_does_not_read_its_body()
    {
        const long large = 64L * 1024 * 1024;
        var resource = _origin.Serve("/unstored-whole.mp4", large, seed: 23);
        resource.Headers["Cache-Control"] = "no-store";
        resource.Ranges = false;
        using (var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/o/unstored-whole.mp4")))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(large, head.Content.Headers.ContentLength);
        }

        // The look's GET was answered with the whole body: the HEAD's answer drops it instead of reading 64 MiB for nothing.
        await Eventually.TrueAsync(() => _origin.Requests("/unstored-whole.mp4") is [{ Complete: true } or { Aborted: true }], "the look's answer ended");
        var look = Assert.Single(_origin.Requests("/unstored-whole.mp4"));
        Assert.True(look.Aborted && look.BodyBytes < large, $"the look's body went {look.BodyBytes} of {large} bytes");
    }

    [Fact]
    public async Task A_stale_response_without_a_validator_is_replaced_by_its_background_revalidation()
    {
        var resource = _origin.Serve("/live.m3u8", 5_000, seed: 24);
        resource.Headers["Cache-Control"] = "public, max-age=60, stale-while-revalidate=600";
        (resource.ETag, resource.LastModified) = (null, null);
        (await _client.GetAsync("/o/live.m3u8")).Dispose();
        var stored = resource.Sha256();
        _clock.Advance(TimeSpan.FromSeconds(100));
        resource.Seed = 25;

        using (var stale = await _client.GetAsync("/o/live.m3u8"))
        {
            Assert.Equal(stored, TestData.Sha256(await stale.Content.ReadAsByteArrayAsync()));
        }

        // Nothing to revalidate it by: the background look reads it whole (one slice at most) and stores what it got,
        // so a request soon gets the new body as a hit (a look at one byte left the stale one in place for good).
        await Eventually.TrueAsync(async () =>
        {
            using var next = await _client.GetAsync("/o/live.m3u8");
            return TestData.Sha256(await next.Content.ReadAsByteArrayAsync()) == resource.Sha256() && CacheStatus(next).StartsWith("StreamForge; hit", StringComparison.Ordinal);
        }, "the new body stored by a background look");
        Assert.Equal("bytes=0-1048575", _origin.Requests("/live.m3u8")[1].Range);
    }

    [Fact]
    public async Task Slices_of_a_new_version_from_an_origin_that_ignores_If_Match_are_never_spliced_onto_the_old()
    {
        var resource = Serve("/unpinned.bin", "public, max-age=300");
        resource.IgnoresPreconditions = true;
        await ReadFirstBytesAsync("/o/unpinned.bin"); // Slice 0 of the first version stored.

        (resource.Seed, resource.ETag) = (26, "\"v2\"");
        using var whole = await _client.GetAsync("/o/unpinned.bin", HttpCompletionOption.ResponseHeadersRead);
        var body = new MemoryStream();
        var cut = await Record.ExceptionAsync(() => whole.Content.CopyToAsync(body));

        // The old version's first slice, then the new one's answer to the pinned read: the response is cut there.
        Assert.NotNull(cut);
        Assert.True(body.Length < Size, $"{body.Length} bytes");
        Assert.Equal(SeededBytes.Bytes("/unpinned.bin".Length, 0, (int)body.Length), body.ToArray());
        using var next = await _client.GetAsync("/o/unpinned.bin");
        Assert.Equal(resource.Sha256(), TestData.Sha256(await next.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task A_response_that_stopped_varying_is_served_from_the_cache_again()
    {
        var resource = Serve("/was-varied.m3u8", "public, max-age=300");
        resource.VaryBy = "Accept-Language";
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/o/was-varied.m3u8") { Headers = { { "Accept-Language", "en" } } })
        {
            (await _client.SendAsync(request)).Dispose();
        }

        (resource.VaryBy, resource.Seed, resource.ETag) = (null, 27, "\"unvaried\"");
        using (var changed = await _client.GetAsync("/o/was-varied.m3u8"))
        {
            Assert.Equal("StreamForge; fwd=miss; stored", CacheStatus(changed)); // Another variant: its own look, no Vary now.
        }

        using var again = await _client.GetAsync("/o/was-varied.m3u8");

        Assert.StartsWith("StreamForge; hit", CacheStatus(again), StringComparison.Ordinal);
        Assert.Equal(resource.Sha256(), TestData.Sha256(await again.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task A_conditional_GET_reading_a_slice_of_a_version_changed_since_is_planned_on_the_new_one()
    {
        var resource = Serve("/changed-under.bin", "public, max-age=300");
        (await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/o/changed-under.bin"))).Dispose(); // Metadata only.
        (resource.Seed, resource.ETag) = (28, "\"changed-under-v2\"");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/o/changed-under.bin") { Headers = { { "If-None-Match", "\"other\"" } } };
        using var response = await _client.SendAsync(request);

        // Its pinned read found the stored version changed before a byte was sent: not a 502, the new version.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(resource.Sha256(), TestData.Sha256(await response.Content.ReadAsByteArrayAsync()));
    }

    [Theory]
    [InlineData("bytes=0-")]
    [InlineData("bytes=0-0,3000000-3000009")]
    public async Task A_range_whose_later_pieces_are_not_stored_is_a_partial_hit_not_a_hit(string range)
    {
        var path = $"/later-pieces-{range.Length}.bin";
        Serve(path, "public, max-age=300");
        await ReadFirstBytesAsync("/o" + path); // Slice 0 only.

        using var request = new HttpRequestMessage(HttpMethod.Get, "/o" + path);
        request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await _client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        // RFC 9211 section 2.1: a hit is not forwarded; this one fetched its later slices from the origin.
        Assert.StartsWith("StreamForge; fwd=partial", CacheStatus(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multipart_range_of_a_version_changed_since_is_planned_on_the_new_one()
    {
        var resource = Serve("/changed-parts.bin", "public, max-age=300");
        (await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/o/changed-parts.bin"))).Dispose(); // Metadata only.
        (resource.Seed, resource.ETag) = (29, "\"changed-parts-v2\"");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/o/changed-parts.bin");
        request.Headers.TryAddWithoutValidation("Range", "bytes=0-9,3000000-3000009");
        using var response = await _client.SendAsync(request);

        // Nothing of the old version was sent when its first part's read failed: the whole answer is the new version's.
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(resource.ETag, response.Headers.ETag?.ToString());
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(body.AsSpan().IndexOf(SeededBytes.Bytes(resource.Seed, 3_000_000, 10)) > 0, "the second part is the new version's");
    }

    [Fact]
    public async Task An_empty_object_from_an_origin_that_refuses_every_range_is_stored()
    {
        var resource = _origin.Serve("/empty.vtt", 0, seed: 30);
        resource.Headers["Cache-Control"] = "public, max-age=300";
        foreach (var expected in new[] { "StreamForge; fwd=miss; stored", "StreamForge; hit" })
        {
            using var response = await _client.GetAsync("/o/empty.vtt");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
            Assert.StartsWith(expected, CacheStatus(response), StringComparison.Ordinal);
        }

        // RFC 9110 section 14.1.1: no range of an empty body is satisfiable. The 416 to the look is followed by a GET
        // without a range, and that answer is stored (it was marked not storable, and every request went to the origin).
        Assert.Equal(["bytes=0-1048575", null], _origin.Requests("/empty.vtt").Select(r => r.Range));
    }

    [Fact]
    public async Task An_origin_that_answers_ranges_with_less_than_asked_is_asked_for_the_rest()
    {
        var resource = Serve("/short-parts.bin", "public, max-age=300");
        resource.MaxPartLength = 300_000;
        foreach (var expected in new[] { "StreamForge; fwd=miss; stored", "StreamForge; hit" })
        {
            using var response = await _client.GetAsync("/o/short-parts.bin");
            Assert.Equal(resource.Sha256(), TestData.Sha256(await response.Content.ReadAsByteArrayAsync()));
            Assert.StartsWith(expected, CacheStatus(response), StringComparison.Ordinal);
        }

        // Every byte asked for once: each 1 MiB slice in 300,000-byte parts, each part asked for where the one before ended.
        Assert.Equal(Size, _origin.Requests("/short-parts.bin").Sum(r => r.BodyBytes));
    }

    [Theory]
    [InlineData(200_000, true)]
    [InlineData(1_500_000, false)]
    public async Task A_chunked_answer_without_a_length_is_passed_on_as_it_comes_and_stored_when_it_ends_within_a_slice(long length, bool stored)
    {
        var path = $"/generated-{length}.m3u8";
        var resource = _origin.Serve(path, length, seed: 31);
        resource.Headers["Cache-Control"] = "public, max-age=300";
        (resource.Chunked, resource.Ranges) = (true, false);
        using (var first = await _client.GetAsync("/o" + path))
        {
            Assert.Equal(resource.Sha256(), TestData.Sha256(await first.Content.ReadAsByteArrayAsync()));
            Assert.StartsWith("StreamForge; fwd=miss", CacheStatus(first), StringComparison.Ordinal);
        }

        using var second = await _client.GetAsync("/o" + path);
        Assert.Equal(resource.Sha256(), TestData.Sha256(await second.Content.ReadAsByteArrayAsync()));
        // Its length known once it ended, within the 1 MiB slice: stored from that one answer (RFC 9111 section 3 asks
        // for no length). Longer, it is passed on each time.
        Assert.Equal(stored, CacheStatus(second).StartsWith("StreamForge; hit", StringComparison.Ordinal));
        Assert.Equal(stored ? 1 : 2, _origin.Requests(path).Count);
        if (stored)
        {
            Assert.Equal(length, second.Content.Headers.ContentLength);
        }
    }

    [Fact]
    public async Task A_range_that_refuses_stored_copies_asks_the_origin_once_not_once_per_slice()
    {
        Serve("/reloaded.bin", "public, max-age=300");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/o/reloaded.bin") { Headers = { Range = new RangeHeaderValue(0, null) } };
        request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        using var response = await _client.SendAsync(request);
        Assert.Equal(Size, (await response.Content.ReadAsByteArrayAsync()).Length);

        // One look, then the three slices it did not hold, pinned: not a revalidation before every slice.
        var requests = _origin.Requests("/reloaded.bin");
        Assert.Equal(4, requests.Count);
        Assert.DoesNotContain(requests, r => r.IfNoneMatch is not null);
    }

    [Fact]
    public async Task A_stale_response_not_wholly_stored_is_revalidated_not_served_while_revalidating()
    {
        var resource = Serve("/part-stale.bin", "public, max-age=60, stale-while-revalidate=600");
        await ReadFirstBytesAsync("/o/part-stale.bin"); // Its first slice only.

        _clock.Advance(TimeSpan.FromSeconds(100));
        (resource.Seed, resource.ETag) = (32, "\"part-stale-v2\"");
        using var response = await _client.GetAsync("/o/part-stale.bin", HttpCompletionOption.ResponseHeadersRead);

        // Served stale, its missing slices would be read pinned to the old version and the response cut where it changed.
        Assert.Equal(resource.Sha256(), await TestData.Sha256Async(await response.Content.ReadAsStreamAsync()));
    }

    [Theory]
    [InlineData("bytes=100-")]
    [InlineData("bytes=-100")]
    [InlineData("bytes=0-99,3000000-3000099")]
    public async Task Only_if_cached_for_ranges_not_wholly_stored_is_504_before_anything_is_sent(string range)
    {
        var path = $"/offline-{range.Length}-{range[6]}.bin";
        Serve(path, "public, max-age=300");
        await ReadFirstBytesAsync("/o" + path); // Its first slice only.

        var before = _origin.Requests(path).Count;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/o" + path);
        request.Headers.TryAddWithoutValidation("Range", range);
        request.Headers.CacheControl = new CacheControlHeaderValue { OnlyIfCached = true };
        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode); // RFC 9111 section 5.2.1.7.
        Assert.Contains("not_cached", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, _origin.Requests(path).Count);
    }

    [Fact]
    public async Task Only_if_cached_on_a_copy_stale_within_stale_while_revalidate_is_504_and_asks_nobody()
    {
        Serve("/swr-offline.m3u8", "public, max-age=60, stale-while-revalidate=600");
        (await _client.GetAsync("/o/swr-offline.m3u8")).Dispose();
        _clock.Advance(TimeSpan.FromSeconds(100));
        var before = _origin.Requests("/swr-offline.m3u8").Count;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/o/swr-offline.m3u8");
        request.Headers.CacheControl = new CacheControlHeaderValue { OnlyIfCached = true };
        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(before, _origin.Requests("/swr-offline.m3u8").Count);
    }

    [Fact]
    public async Task The_access_log_line_of_a_response_without_a_body_has_its_cache_status()
    {
        Serve("/logged-head.bin", "public, max-age=300");
        using (var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/o/logged-head.bin")))
        {
            Assert.Equal("StreamForge; fwd=miss; stored", CacheStatus(head));
        }

        var line = await AccessLogFile.LineForAsync(_gateway, "HEAD", "/o/logged-head.bin");
        Assert.Equal("StreamForge; fwd=miss; stored", line.GetProperty("cache_status").GetString());
    }

    [Fact]
    public async Task A_hit_logs_no_upstream_time_to_first_byte_and_a_miss_does()
    {
        Serve("/logged-hit.bin", "public, max-age=300");
        (await _client.GetAsync("/o/logged-hit.bin")).Dispose();
        using (var hit = await _client.GetAsync("/o/logged-hit.bin"))
        {
            Assert.StartsWith("StreamForge; hit", CacheStatus(hit), StringComparison.Ordinal);
        }

        List<JsonElement> lines = [];
        await Eventually.TrueAsync(() =>
        {
            lines = [.. AccessLogFile.ReadAll(_gateway).Where(line => line.GetProperty("target").GetString() == "/o/logged-hit.bin")];
            return lines.Count == 2;
        }, "both lines");

        // The hit's first answer was the cache's own disk read: counted as the origin's, it hid a slow origin.
        Assert.Equal(JsonValueKind.Number, lines[0].GetProperty("upstream_ttfb_ms").ValueKind);
        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("upstream_ttfb_ms").ValueKind);
    }

    [Fact]
    public async Task A_response_reading_a_stored_version_finishes_on_it_when_another_request_replaces_it()
    {
        const long large = 32L * 1024 * 1024;
        var resource = _origin.Serve("/replaced-while-read.mp4", large, seed: 33);
        resource.Headers["Cache-Control"] = "public, max-age=60";
        (await _client.GetAsync("/o/replaced-while-read.mp4")).Dispose(); // Every slice stored.
        var old = resource.Sha256();

        using var slow = await _client.GetAsync("/o/replaced-while-read.mp4", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await slow.Content.ReadAsStreamAsync();
        var start = new byte[100_000];
        await body.ReadExactlyAsync(start);

        _clock.Advance(TimeSpan.FromSeconds(100));
        (resource.Seed, resource.ETag) = (34, "\"replaced-while-read-v2\"");
        await ReadFirstBytesAsync("/o/replaced-while-read.mp4"); // Stale: looked at, and the new version replaces the old.

        // The slow response was a whole, consistent answer when it started; its later slices stay until it is done.
        var rest = new MemoryStream();
        await body.CopyToAsync(rest);
        Assert.Equal(old, TestData.Sha256([.. start, .. rest.ToArray()]));
    }

    /// <summary>The UTF-8 bytes of <paramref name="text"/> as the Latin-1 text HttpClient and Kestrel read them as (obs-text).</summary>
    private static string Utf8BytesAsLatin1(string text) => System.Text.Encoding.Latin1.GetString(System.Text.Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData("public, max-age=300")]
    [InlineData("no-store")]
    public async Task A_field_value_with_obs_text_goes_out_byte_for_byte_stored_or_not(string cacheControl)
    {
        // "attachment; filename="vidéo.mp4"" in UTF-8, as the Latin-1 text HttpClient reads those bytes as.
        var disposition = Utf8BytesAsLatin1("attachment; filename=\"vidéo.mp4\"");
        var resource = _origin.Serve("/vidéo.mp4", 5_000, seed: 19);
        resource.Headers["Cache-Control"] = cacheControl;
        resource.Headers["Content-Disposition"] = disposition;

        for (var read = 0; read < 2; read++)
        {
            using var response = await _client.GetAsync("/o/vid%C3%A9o.mp4");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(resource.Sha256(), TestData.Sha256(await response.Content.ReadAsByteArrayAsync()));
            Assert.Equal(disposition, string.Join(", ", response.Content.Headers.GetValues("Content-Disposition")));
        }
    }

    [Theory]
    [InlineData("public, max-age=300")]
    [InlineData("no-store")]
    public async Task A_request_field_value_with_obs_text_reaches_the_origin_byte_for_byte(string cacheControl)
    {
        var value = Utf8BytesAsLatin1("vidéo");
        var resource = _origin.Serve("/named.bin", 5_000, seed: 20);
        resource.Headers["Cache-Control"] = cacheControl;
        resource.VaryBy = "X-Name";
        using var client = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.Latin1 })
        {
            BaseAddress = _client.BaseAddress,
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/o/named.bin") { Headers = { { "X-Name", value } } };

        using var response = await client.SendAsync(request);

        Assert.Equal(resource.Sha256(value), TestData.Sha256(await response.Content.ReadAsByteArrayAsync()));
        Assert.All(_origin.Requests("/named.bin"), r => Assert.Equal(value, r.Variant));
    }

    [Fact]
    public async Task An_error_or_a_part_of_a_larger_unstored_object_is_passed_on_or_asked_for_as_the_client_asked()
    {
        using (var missing = await _client.GetAsync("/o/missing.bin"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        Assert.Single(_origin.Requests("/missing.bin"));

        // A range the first look's slice does not answer as the client asked it is forwarded as it came.
        var resource = _origin.Serve("/unstored-part.ts", 300_000, seed: 13);
        resource.Headers["Cache-Control"] = "no-store";
        using var seek = new HttpRequestMessage(HttpMethod.Get, "/o/unstored-part.ts") { Headers = { Range = new RangeHeaderValue(1000, 1999) } };
        using var response = await _client.SendAsync(seek);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(SeededBytes.Bytes(13, 1000, 1000), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(["bytes=0-1048575", "bytes=1000-1999"], _origin.Requests("/unstored-part.ts").Select(r => r.Range));
    }

    [Fact]
    public async Task A_request_with_Authorization_is_stored_only_when_the_response_says_public()
    {
        Serve("/secret.bin", "max-age=300");
        Serve("/shared.bin", "public, max-age=300");

        for (var read = 0; read < 2; read++)
        {
            Assert.Equal("StreamForge; fwd=miss", CacheStatus(await GetWithAuthorizationAsync("/o/secret.bin")));
        }

        Assert.Equal("StreamForge; fwd=miss; stored", CacheStatus(await GetWithAuthorizationAsync("/o/shared.bin")));
        Assert.StartsWith("StreamForge; hit", CacheStatus(await GetWithAuthorizationAsync("/o/shared.bin")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_variant_named_by_Vary_is_stored_apart()
    {
        var resource = Serve("/vary.bin", "public, max-age=300");
        resource.VaryBy = "X-Variant";

        foreach (var variant in new[] { "a", "b", "a", "b" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/o/vary.bin") { Headers = { { "X-Variant", variant } } };
            using var response = await _client.SendAsync(request);
            Assert.Equal(resource.Sha256(variant), TestData.Sha256(await response.Content.ReadAsByteArrayAsync()));
        }

        // One first look per variant (its first slice); the second of each is a hit.
        Assert.Equal(2, _origin.Requests("/vary.bin").Count(r => r.Range == "bytes=0-1048575"));
        Assert.NotEqual(resource.Sha256("a"), resource.Sha256("b"));
    }

    [Fact]
    public async Task A_stale_response_is_revalidated_with_a_304_that_refreshes_it_without_refetching_the_body()
    {
        var resource = Serve("/revalidate.bin", "public, max-age=60");
        (await _client.GetAsync("/o/revalidate.bin")).Dispose();
        var bodyBytes = _origin.Requests("/revalidate.bin").Sum(r => r.BodyBytes);

        _clock.Advance(TimeSpan.FromMinutes(2));
        using var response = await _client.GetAsync("/o/revalidate.bin");

        Assert.Equal(resource.Sha256(), TestData.Sha256(await response.Content.ReadAsByteArrayAsync()));
        // The ttl is not checked: the test clock runs ahead of the origin's Date, which the age calculation trusts.
        Assert.StartsWith("StreamForge; fwd=stale; fwd-status=304", CacheStatus(response), StringComparison.Ordinal);
        var revalidation = _origin.Requests("/revalidate.bin")[^1];
        Assert.Equal((304, resource.ETag), (revalidation.Status, revalidation.IfNoneMatch));
        Assert.Equal(bodyBytes, _origin.Requests("/revalidate.bin").Sum(r => r.BodyBytes));
    }

    [Fact]
    public async Task A_failing_origin_gets_the_stale_copy_served_within_stale_if_error()
    {
        var resource = Serve("/fallback.bin", "public, max-age=60, stale-if-error=600");
        (await _client.GetAsync("/o/fallback.bin")).Dispose();
        resource.Unavailable = true;

        _clock.Advance(TimeSpan.FromMinutes(2));
        using (var stale = await _client.GetAsync("/o/fallback.bin"))
        {
            Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
            Assert.Equal(resource.Sha256(), TestData.Sha256(await stale.Content.ReadAsByteArrayAsync()));
            Assert.StartsWith("StreamForge; fwd=stale; fwd-status=503; ttl=-6", CacheStatus(stale), StringComparison.Ordinal);
            Assert.EndsWith("; detail=stale-if-error", CacheStatus(stale), StringComparison.Ordinal);
        }

        _clock.Advance(TimeSpan.FromMinutes(20));
        using var expired = await _client.GetAsync("/o/fallback.bin");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, expired.StatusCode);
        // RFC 9211 section 2.2: forwarded because the stored copy was stale (and past stale-if-error), not for lack of one.
        Assert.StartsWith("StreamForge; fwd=stale; fwd-status=503", CacheStatus(expired), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_range_origin_is_read_once_and_later_seeks_come_from_disk()
    {
        var resource = Serve("/no-ranges.bin", "public, max-age=300");
        resource.Ranges = false;
        using (var whole = await _client.GetAsync("/o/no-ranges.bin"))
        {
            Assert.Equal(resource.Sha256(), TestData.Sha256(await whole.Content.ReadAsByteArrayAsync()));
            // Its own fill went on slice after slice: nobody else's was joined.
            Assert.Equal("StreamForge; fwd=miss; stored", CacheStatus(whole));
        }

        var requests = _origin.Requests("/no-ranges.bin").Count;
        foreach (var first in new long[] { 3_000_000, 10, 2_097_152, Size - 100 })
        {
            using var seek = new HttpRequestMessage(HttpMethod.Get, "/o/no-ranges.bin") { Headers = { Range = new RangeHeaderValue(first, first + 99) } };
            using var response = await _client.SendAsync(seek);
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal(SeededBytes.Bytes(resource.Seed, first, 100), await response.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal(1, requests); // The first look, answered whole: its body fills every slice.
        Assert.Equal(requests, _origin.Requests("/no-ranges.bin").Count);
    }

    [Fact]
    public async Task A_successful_unsafe_method_drops_the_stored_response_for_its_URL()
    {
        Serve("/changed.bin", "public, max-age=300");
        (await _client.GetAsync("/o/changed.bin")).Dispose();
        using (var hit = await _client.GetAsync("/o/changed.bin"))
        {
            Assert.StartsWith("StreamForge; hit", CacheStatus(hit), StringComparison.Ordinal);
        }

        using (var post = await _client.PostAsync("/o/changed.bin", new ByteArrayContent([1, 2, 3])))
        {
            Assert.Equal(HttpStatusCode.NoContent, post.StatusCode);
        }

        using var after = await _client.GetAsync("/o/changed.bin");
        Assert.Equal("StreamForge; fwd=miss; stored", CacheStatus(after));
    }

    [Fact]
    public async Task A_purge_by_an_authenticated_caller_drops_an_origin_URL_with_every_variant()
    {
        var resource = Serve("/purged.bin", "public, max-age=300");
        resource.VaryBy = "X-Variant";
        foreach (var variant in new[] { "a", "b" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/o/purged.bin") { Headers = { { "X-Variant", variant } } };
            (await _client.SendAsync(request)).Dispose();
        }

        using var purge = new HttpRequestMessage(HttpMethod.Delete, "/_streamforge/cache/cached-web/o/purged.bin") { Headers = { { "X-Api-Key", ApiKey } } };
        using var purged = await _client.SendAsync(purge);

        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        Assert.Contains("\"purged\":2", await purged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/o/purged.bin") { Headers = { { "X-Variant", "a" } } };
        using var miss = await _client.SendAsync(again);
        Assert.Equal("StreamForge; fwd=miss; stored", CacheStatus(miss));
    }

    [Fact]
    public async Task Responses_keep_the_origins_Date_and_an_Age_that_counts_the_origins()
    {
        var resource = Serve("/aged.bin", "public, max-age=300");
        var originDate = new DateTimeOffset(DateTime.UtcNow.AddSeconds(-30).Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        resource.Headers["Date"] = originDate.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        resource.Headers["Age"] = "90";

        using var miss = await GetAsync("/o/aged.bin");
        Assert.Equal("StreamForge; fwd=miss; stored", CacheStatus(miss));
        Assert.Equal(originDate, miss.Headers.Date);
        Assert.True(miss.Headers.Age >= TimeSpan.FromSeconds(90), $"Age {miss.Headers.Age}: an age never goes down on the way");
        _clock.Advance(TimeSpan.FromSeconds(20));
        using var hit = await GetAsync("/o/aged.bin");

        Assert.StartsWith("StreamForge; hit", CacheStatus(hit), StringComparison.Ordinal);
        // RFC 9110 section 6.6.1: Date is when the origin made the response; the time since is in Age, not counted twice.
        Assert.Equal(miss.Headers.Date, hit.Headers.Date);
        Assert.True(hit.Headers.Age >= TimeSpan.FromSeconds(110), $"Age {hit.Headers.Age}");
    }

    [Fact]
    public async Task A_304s_Age_counts_so_a_copy_older_than_its_max_age_stays_stale()
    {
        var resource = Serve("/shield.bin", "public, max-age=60");
        resource.Headers["Age"] = "100"; // an origin that is itself a cache, whose copy is older than its max-age
        (await GetAsync("/o/shield.bin")).Dispose();

        using var revalidated = await GetAsync("/o/shield.bin");
        using var again = await GetAsync("/o/shield.bin");

        Assert.StartsWith("StreamForge; fwd=stale; fwd-status=304", CacheStatus(revalidated), StringComparison.Ordinal);
        // RFC 9111 section 4.2.3: the 304's Age is the copy's age_value; it was dropped, and the copy served fresh for 59 s.
        Assert.StartsWith("StreamForge; fwd=stale; fwd-status=304", CacheStatus(again), StringComparison.Ordinal);
        Assert.True(again.Headers.Age >= TimeSpan.FromSeconds(100), $"Age {again.Headers.Age}");
    }

    [Fact]
    public async Task The_origins_Cache_Control_goes_out_from_the_cache_not_the_policys_storage_headers()
    {
        Serve("/live.m3u8", "public, max-age=2");

        using var miss = await GetAsync("/o/live.m3u8");
        using var hit = await GetAsync("/o/live.m3u8");

        // A live playlist marked immutable for a year by the policy froze players on the first copy.
        Assert.Equal("public, max-age=2", miss.Headers.CacheControl?.ToString());
        Assert.Equal("public, max-age=2", hit.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task CDN_Cache_Control_keeps_a_response_on_the_edge_that_browsers_must_not_store()
    {
        // RFC 9213: the edge follows the targeted field; Cache-Control goes on unchanged to the browser.
        var resource = Serve("/targeted.bin", "no-store");
        resource.Headers["CDN-Cache-Control"] = "max-age=300";

        using var miss = await GetAsync("/o/targeted.bin");
        _origin.ClearRequests();
        using var hit = await GetAsync("/o/targeted.bin");

        Assert.Equal("StreamForge; fwd=miss; stored", CacheStatus(miss));
        Assert.StartsWith("StreamForge; hit", CacheStatus(hit), StringComparison.Ordinal);
        Assert.Empty(_origin.Requests("/targeted.bin"));
        Assert.True(hit.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task A_stored_response_keeps_every_Cache_Control_line_and_the_Content_Type_as_sent()
    {
        // RFC 9111 section 3.1: stored header fields are replayed as received. The second Cache-Control line went
        // missing from hits, and the type came back re-serialised by .NET (with a space after the semicolon).
        var resource = Serve("/lines.txt", "public, max-age=300");
        resource.Headers["Cache-Control"] = new Microsoft.Extensions.Primitives.StringValues(["public, max-age=300", "no-transform"]);
        resource.ContentType = "text/plain;charset=utf-8";

        using var miss = await GetAsync("/o/lines.txt");
        using var hit = await GetAsync("/o/lines.txt");

        Assert.StartsWith("StreamForge; hit", CacheStatus(hit), StringComparison.Ordinal);
        foreach (var response in new[] { miss, hit })
        {
            Assert.True(response.Headers.CacheControl?.NoTransform);
            Assert.Equal(TimeSpan.FromSeconds(300), response.Headers.CacheControl?.MaxAge);
            Assert.Equal("text/plain;charset=utf-8", response.Content.Headers.NonValidated["Content-Type"].ToString());
        }
    }

    [Fact]
    public async Task A_response_passed_through_keeps_the_origins_Age()
    {
        var resource = Serve("/passed.bin", "private, max-age=300");
        resource.Headers["Age"] = "90";

        using var response = await GetAsync("/o/passed.bin");

        Assert.Equal("StreamForge; fwd=miss", CacheStatus(response));
        Assert.Equal(TimeSpan.FromSeconds(90), response.Headers.Age);
    }

    [Fact]
    public async Task One_clients_no_store_or_credentials_do_not_keep_the_URL_out_of_the_cache_for_others()
    {
        Serve("/shared-later.bin", "max-age=300");
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/o/shared-later.bin") { Headers = { CacheControl = new CacheControlHeaderValue { NoStore = true } } })
        {
            using var refused = await _client.SendAsync(request);
            Assert.Equal("StreamForge; fwd=miss", CacheStatus(refused));
        }

        Assert.Equal("StreamForge; fwd=miss", CacheStatus(await GetWithAuthorizationAsync("/o/shared-later.bin")));

        using var plain = await GetAsync("/o/shared-later.bin");
        Assert.Equal("StreamForge; fwd=miss; stored", CacheStatus(plain));
        using var again = await GetAsync("/o/shared-later.bin");
        Assert.StartsWith("StreamForge; hit", CacheStatus(again), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_origin_without_Last_Modified_gets_none_invented_and_date_preconditions_do_not_apply()
    {
        var resource = Serve("/undated.bin", "public, max-age=300");
        resource.LastModified = null;
        (await GetAsync("/o/undated.bin")).Dispose();

        using var hit = await GetAsync("/o/undated.bin");
        Assert.StartsWith("StreamForge; hit", CacheStatus(hit), StringComparison.Ordinal);
        Assert.Null(hit.Content.Headers.LastModified);

        // RFC 9110 section 13.1.3: without a modification date If-Modified-Since is ignored (a 304 here kept any old copy).
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/o/undated.bin") { Headers = { IfModifiedSince = DateTimeOffset.UtcNow } })
        {
            using var response = await _client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Section 13.1.5: no date matches a representation without one, so a date If-Range gets the whole body.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/o/undated.bin") { Headers = { Range = new RangeHeaderValue(0, 9) } })
        {
            request.Headers.TryAddWithoutValidation("If-Range", "Thu, 01 Jan 1970 00:00:00 GMT");
            using var response = await _client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Only_if_cached_is_answered_from_storage_or_with_504_and_never_asks_the_origin()
    {
        Serve("/offline.bin", "public, max-age=300");
        var onlyIfCached = new CacheControlHeaderValue { OnlyIfCached = true };

        using (var request = new HttpRequestMessage(HttpMethod.Get, "/o/offline.bin") { Headers = { CacheControl = onlyIfCached } })
        {
            using var cold = await _client.SendAsync(request);
            Assert.Equal(HttpStatusCode.GatewayTimeout, cold.StatusCode);
            Assert.Contains("not_cached", await cold.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Empty(_origin.Requests("/offline.bin"));
        }

        (await GetAsync("/o/offline.bin")).Dispose();
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/o/offline.bin") { Headers = { CacheControl = onlyIfCached } })
        {
            using var warm = await _client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
            Assert.StartsWith("StreamForge; hit", CacheStatus(warm), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_reload_is_revalidated_at_the_origin_with_the_clients_directives_not_answered_stale()
    {
        Serve("/reload.bin", "public, max-age=60, stale-while-revalidate=600");
        (await GetAsync("/o/reload.bin")).Dispose();
        _clock.Advance(TimeSpan.FromSeconds(90));

        // A browser's reload sends max-age=0: within stale-while-revalidate, but the request refuses a stale answer.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/o/reload.bin") { Headers = { CacheControl = new CacheControlHeaderValue { MaxAge = TimeSpan.Zero } } };
        using var reload = await _client.SendAsync(request);
        await reload.Content.ReadAsByteArrayAsync();

        Assert.StartsWith("StreamForge; fwd=stale; fwd-status=304", CacheStatus(reload), StringComparison.Ordinal);
        Assert.Equal("max-age=0", _origin.Requests("/reload.bin")[^1].CacheControl);
    }

    [Fact]
    public async Task A_fresh_response_checked_because_the_client_asked_is_fwd_request()
    {
        Serve("/asked.bin", "public, max-age=300");
        (await GetAsync("/o/asked.bin")).Dispose();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/o/asked.bin") { Headers = { CacheControl = new CacheControlHeaderValue { NoCache = true } } };
        using var response = await _client.SendAsync(request);

        Assert.StartsWith("StreamForge; fwd=request; fwd-status=304", CacheStatus(response), StringComparison.Ordinal);
        Assert.Equal("no-cache", _origin.Requests("/asked.bin")[^1].CacheControl);
    }

    [Fact]
    public async Task A_partly_stored_version_that_changed_at_the_origin_gives_way_to_the_new_one()
    {
        var resource = Serve("/changing.bin", "public, max-age=300");
        (await GetRangeAsync("/o/changing.bin", 0, 9)).Dispose();
        resource.Seed += 100;
        resource.ETag = "\"changed\"";

        // The slice still missing is read pinned to the stored version, and the origin refuses it (412): the version
        // goes, and the request, which had sent nothing yet, is planned again on the new one (it was a 502).
        using var next = await GetRangeAsync("/o/changing.bin", 3_000_000, 3_000_009);

        Assert.Equal(HttpStatusCode.PartialContent, next.StatusCode);
        Assert.Equal("\"changed\"", next.Headers.ETag?.ToString());
        using var direct = new HttpClient { BaseAddress = _origin.Address };
        using var expected = await direct.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/changing.bin") { Headers = { Range = new RangeHeaderValue(3_000_000, 3_000_009) } });
        Assert.Equal(await expected.Content.ReadAsByteArrayAsync(), await next.Content.ReadAsByteArrayAsync());
    }

    private async Task<HttpResponseMessage> GetAsync(string path)
    {
        var response = await _client.GetAsync(path);
        await response.Content.ReadAsByteArrayAsync();
        return response;
    }

    private async Task<HttpResponseMessage> GetRangeAsync(string path, long first, long last)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Range = new RangeHeaderValue(first, last) } };
        try
        {
            var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await response.Content.LoadIntoBufferAsync();
            return response;
        }
        catch (HttpRequestException)
        {
            return new HttpResponseMessage(HttpStatusCode.BadGateway); // An aborted response: the failed read.
        }
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _origin.DisposeAsync();
        _folder.Dispose();
    }

    private CachingOriginResource Serve(string path, string cacheControl)
    {
        var resource = _origin.Serve(path, Size, seed: path.Length);
        resource.Headers["Cache-Control"] = cacheControl;
        return resource;
    }

    private async Task<HttpResponseMessage> GetWithAuthorizationAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "t") } };
        var response = await _client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response;
    }

    /// <summary>GETs the first 100 bytes of <paramref name="path"/>: a miss stores the slice holding them, and only that.</summary>
    private async Task ReadFirstBytesAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Range = new RangeHeaderValue(0, 99) } };
        (await _client.SendAsync(request)).Dispose();
    }

    private static string CacheStatus(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(", ", values) : "(none)";
}
