using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Caching;

/// <summary>
/// The edge cache on an S3 route, counted on the S3 side (the launcher's request log): a cold stampede costs one
/// read of each slice, a warm object survives S3 going down, a replaced object is picked up after its Ttl and never
/// mixed with the old one, and uploads and purges drop what was stored.
/// </summary>
public sealed class StorageCacheTests : IAsyncLifetime
{
    private const string ApiKey = "purge-key-0123456789abcdef";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempFolder _folder = new("storage-cache");
    private readonly ShiftedClock _clock = new();
    private DedicatedS3Server _s3 = null!;
    private GatewayHost _gateway = null!;
    private HttpClient _client = null!;

    private string CacheDirectory => _folder.Combine("cache");

    public async Task InitializeAsync()
    {
        _s3 = await DedicatedS3Server.StartAsync();
        _gateway = await StartGatewayAsync();
        _client = new HttpClient { BaseAddress = _gateway.Address, Timeout = Bound };
    }

    [Fact]
    public async Task Fifty_cold_clients_cost_S3_one_read_of_each_slice_and_all_get_the_right_bytes()
    {
        const long length = 256L * TestData.MiB;
        var (path, sha) = await PutAsync("stampede.bin", length, seed: 3);

        var hashes = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var response = await _client.GetAsync("/c/stampede.bin", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await TestData.Sha256Async(await response.Content.ReadAsStreamAsync());
        }));

        Assert.All(hashes, hash => Assert.Equal(sha, hash));
        var reads = _s3.Requests("stampede.bin").Where(r => r.Method == "GET").ToList();
        Assert.Equal(length, reads.Sum(r => r.Bytes));
        Assert.Equal(32, reads.Select(r => r.Range).Distinct().Count());
        Assert.Equal(32, reads.Count);
        // The first slice's read told the version: no metadata read before it.
        Assert.DoesNotContain(_s3.Requests("stampede.bin"), r => r.Method == "HEAD");
        File.Delete(path);
    }

    [Fact]
    public async Task A_miss_reads_the_slice_its_client_reads_first_and_a_HEAD_or_a_seek_past_the_end_reads_the_metadata()
    {
        const long length = 20L * TestData.MiB;
        var (path, _) = await PutAsync("first-slice.bin", length, seed: 8);
        var uploaded = _s3.Requests("first-slice.bin").Count;

        using (var seek = new HttpRequestMessage(HttpMethod.Get, "/c/first-slice.bin") { Headers = { Range = new RangeHeaderValue(17_000_000, 17_000_099) } })
        using (var response = await _client.SendAsync(seek))
        {
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            var expected = new byte[100];
            using (var file = File.OpenRead(path))
            {
                file.Position = 17_000_000;
                file.ReadExactly(expected);
            }

            Assert.Equal(expected, await response.Content.ReadAsByteArrayAsync());
        }

        // S3's log has a request once it ends, and the slice's fill goes on after the client's 100 bytes.
        await Eventually.TrueAsync(() => _s3.Requests("first-slice.bin").Count > uploaded, "S3's log of the slice read");
        var read = Assert.Single(_s3.Requests("first-slice.bin").Skip(uploaded));
        Assert.Equal(("GET", "bytes=16777216-25165823"), (read.Method, read.Range));

        var (other, _) = await PutAsync("head-first.bin", length, seed: 9);
        var before = _s3.Requests("head-first.bin").Count;
        using (var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/c/head-first.bin")))
        {
            Assert.Equal(length, head.Content.Headers.ContentLength);
        }

        Assert.Equal("HEAD", Assert.Single(_s3.Requests("head-first.bin").Skip(before)).Method);

        // Past the end: S3's 416 to the slice, then the metadata, so that the answer is the gateway's own 416.
        var (past, _) = await PutAsync("past-end.bin", 1000, seed: 10);
        var beforePast = _s3.Requests("past-end.bin").Count;
        using (var seek = new HttpRequestMessage(HttpMethod.Get, "/c/past-end.bin") { Headers = { Range = new RangeHeaderValue(9_000_000, null) } })
        using (var response = await _client.SendAsync(seek))
        {
            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
            Assert.Equal("bytes */1000", response.Content.Headers.ContentRange?.ToString());
        }

        Assert.Equal(["GET", "HEAD"], _s3.Requests("past-end.bin").Skip(beforePast).Select(r => r.Method));
        File.Delete(past);
        File.Delete(path);
        File.Delete(other);
    }

    [Fact]
    public async Task Cold_GETs_HEADs_and_conditional_GETs_arriving_together_share_one_first_read()
    {
        const long length = 3L * TestData.MiB;
        var (path, sha) = await PutAsync("mixed-cold.bin", length, seed: 11);

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            using var request = new HttpRequestMessage(i % 3 == 1 ? HttpMethod.Head : HttpMethod.Get, "/c/mixed-cold.bin");
            if (i % 3 == 2)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", "\"not-this-one\"");
            }

            using var response = await _client.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            return (response.StatusCode, Sha: request.Method == HttpMethod.Head ? sha : TestData.Sha256(body));
        }));

        Assert.All(answers, answer => Assert.Equal((HttpStatusCode.OK, sha), answer));
        File.Delete(path);
    }

    [Fact]
    public async Task A_warm_read_is_a_hit_with_Age_and_S3_is_not_asked_again()
    {
        var (_, sha) = await PutAsync("warm.bin", 3 * TestData.MiB, seed: 4);
        using (var first = await _client.GetAsync("/c/warm.bin"))
        {
            Assert.Contains("fwd=miss", CacheStatus(first), StringComparison.Ordinal);
            Assert.Equal(sha, TestData.Sha256(await first.Content.ReadAsByteArrayAsync()));
        }

        var before = _s3.Requests("warm.bin").Count;
        _clock.Advance(TimeSpan.FromSeconds(30));
        using var second = await _client.GetAsync("/c/warm.bin");

        // 30 s on the shifted clock, and the real one runs on under it: a second more on a loaded machine.
        Assert.Matches("^StreamForge; hit; ttl=2[89]$", CacheStatus(second));
        Assert.InRange(second.Headers.Age!.Value, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(31));
        Assert.Equal(sha, TestData.Sha256(await second.Content.ReadAsByteArrayAsync()));
        Assert.Equal(before, _s3.Requests("warm.bin").Count);

        // The status page's JSON counts the same (loopback is admin surface by default).
        using var status = System.Text.Json.JsonDocument.Parse(await _client.GetStringAsync("/_streamforge/status.json"));
        var cache = status.RootElement.GetProperty("cache");
        Assert.Equal(3 * TestData.MiB, cache.GetProperty("bytes").GetInt64());
        var route = Assert.Single(cache.GetProperty("routes").EnumerateArray());
        Assert.Equal("cached", route.GetProperty("route").GetString());
        Assert.Equal(1, route.GetProperty("requests").GetProperty("hit").GetInt64());
        Assert.Equal(1, route.GetProperty("requests").GetProperty("miss").GetInt64());
        Assert.Equal(3 * TestData.MiB, route.GetProperty("bytes_fetched").GetInt64());
    }

    [Fact]
    public async Task Ranges_conditionals_and_HEAD_are_answered_from_the_cache()
    {
        var (path, _) = await PutAsync("ranges.bin", 5 * TestData.MiB, seed: 5);
        var bytes = await File.ReadAllBytesAsync(path);
        (await _client.GetAsync("/c/ranges.bin")).Dispose();
        var before = _s3.Requests("ranges.bin").Count;

        using var range = new HttpRequestMessage(HttpMethod.Get, "/c/ranges.bin") { Headers = { Range = new RangeHeaderValue(1_500_000, 3_700_000) } };
        using var partial = await _client.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(bytes[1_500_000..3_700_001], await partial.Content.ReadAsByteArrayAsync());
        Assert.StartsWith("StreamForge; hit", CacheStatus(partial), StringComparison.Ordinal);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/c/ranges.bin");
        conditional.Headers.IfNoneMatch.Add(partial.Headers.ETag!);
        using var notModified = await _client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/c/ranges.bin"));
        Assert.Equal(bytes.Length, head.Content.Headers.ContentLength);
        Assert.StartsWith("StreamForge; hit", CacheStatus(head), StringComparison.Ordinal);
        Assert.Equal(before, _s3.Requests("ranges.bin").Count);
    }

    [Fact]
    public async Task Only_if_cached_is_answered_from_stored_slices_or_with_504_and_never_asks_S3()
    {
        var (path, _) = await PutAsync("offline.bin", 20 * TestData.MiB, seed: 12);
        var bytes = await File.ReadAllBytesAsync(path);
        var uploaded = _s3.Requests("offline.bin").Count;

        using (var cold = await SendOnlyIfCachedAsync("/c/offline.bin"))
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, cold.StatusCode);
            Assert.Contains("not_cached", await cold.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(uploaded, _s3.Requests("offline.bin").Count);
        }

        // The first 8 MiB slice only: a range inside it is stored, the whole object is not.
        using (var first = new HttpRequestMessage(HttpMethod.Get, "/c/offline.bin") { Headers = { Range = new RangeHeaderValue(0, 999) } })
        {
            (await _client.SendAsync(first)).Dispose();
        }

        using (var stored = await SendOnlyIfCachedAsync("/c/offline.bin", new RangeHeaderValue(1_000, 2_000_000)))
        {
            Assert.Equal(HttpStatusCode.PartialContent, stored.StatusCode);
            Assert.Equal(bytes[1_000..2_000_001], await stored.Content.ReadAsByteArrayAsync());
        }

        using (var partlyStored = await SendOnlyIfCachedAsync("/c/offline.bin"))
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, partlyStored.StatusCode);
        }

        _clock.Advance(TimeSpan.FromMinutes(2)); // Past the 1-minute Ttl: stale, and only-if-cached refuses a check.
        using (var stale = await SendOnlyIfCachedAsync("/c/offline.bin", new RangeHeaderValue(0, 999)))
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, stale.StatusCode);
        }

        // S3 saw the first read only (slice 0, which told the version too; its log entry may land late), nothing of the
        // only-if-cached requests.
        var reads = _s3.Requests("offline.bin").Skip(uploaded).ToList();
        Assert.All(reads, read => Assert.True(read.Method == "GET" && read.Range == "bytes=0-8388607", read.ToString()));
    }

    private Task<HttpResponseMessage> SendOnlyIfCachedAsync(string path, RangeHeaderValue? range = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { CacheControl = new CacheControlHeaderValue { OnlyIfCached = true }, Range = range } };
        return _client.SendAsync(request);
    }

    [Fact]
    public async Task A_warm_object_is_served_stale_while_S3_is_down_within_StaleIfError_then_refused()
    {
        var (_, sha) = await PutAsync("stale.bin", 2 * TestData.MiB, seed: 6);
        (await _client.GetAsync("/c/stale.bin")).Dispose();
        _s3.Kill();

        _clock.Advance(TimeSpan.FromMinutes(2)); // Past the 1-minute Ttl, within the 10-minute StaleIfError.
        using (var stale = await _client.GetAsync("/c/stale.bin"))
        {
            Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
            Assert.Equal(sha, TestData.Sha256(await stale.Content.ReadAsByteArrayAsync()));
            Assert.Contains("fwd=stale", CacheStatus(stale), StringComparison.Ordinal);
            Assert.Contains("detail=stale-if-error", CacheStatus(stale), StringComparison.Ordinal);
        }

        _clock.Advance(TimeSpan.FromMinutes(20));
        using var tooOld = await _client.GetAsync("/c/stale.bin");
        Assert.True((int)tooOld.StatusCode >= 500, $"got {tooOld.StatusCode}");
        // RFC 9211 section 2.2: forwarded because the copy was stale, and failed; "bypass" would say the cache was set
        // not to handle the request.
        Assert.StartsWith("StreamForge; fwd=stale", CacheStatus(tooOld), StringComparison.Ordinal);
        using var cold = await _client.GetAsync("/c/never-stored.bin");
        Assert.StartsWith("StreamForge; fwd=miss", CacheStatus(cold), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fresh_copy_the_request_asks_to_check_is_revalidated_as_fwd_request()
    {
        await PutAsync("checked.bin", TestData.MiB, seed: 22);
        (await _client.GetAsync("/c/checked.bin")).Dispose();
        using var reload = new HttpRequestMessage(HttpMethod.Get, "/c/checked.bin") { Headers = { CacheControl = new CacheControlHeaderValue { NoCache = true } } };
        using var response = await _client.SendAsync(reload);

        Assert.StartsWith("StreamForge; fwd=request; fwd-status=200", CacheStatus(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replaced_object_is_served_after_Ttl_and_no_response_mixes_the_two_versions()
    {
        var (oldPath, oldSha) = await PutAsync("replaced.bin", 16 * TestData.MiB, seed: 7);
        var newPath = _folder.Combine("replaced-new.bin");
        var newSha = TestData.CreateFile(newPath, 16 * TestData.MiB, seed: 8);

        // A cold read that has taken only its first slice when the object is replaced: its later slices are pinned
        // to the old ETag, so it either ends as the old object or fails, never as a mix.
        using var reading = await _client.GetAsync("/c/replaced.bin", HttpCompletionOption.ResponseHeadersRead);
        var body = await reading.Content.ReadAsStreamAsync();
        var head = new byte[TestData.MiB];
        await body.ReadExactlyAsync(head);
        await _s3.PutAsync("replaced.bin", newPath);
        _clock.Advance(TimeSpan.FromMinutes(2));
        var rest = await ReadToEndOrNullAsync(body);
        if (rest is not null)
        {
            Assert.Equal(oldSha, TestData.Sha256([.. head, .. rest]));
        }

        using var fresh = await _client.GetAsync("/c/replaced.bin");
        Assert.Equal(newSha, TestData.Sha256(await fresh.Content.ReadAsByteArrayAsync()));
        Assert.Contains("fwd=", CacheStatus(fresh), StringComparison.Ordinal);
        using var again = await _client.GetAsync("/c/replaced.bin");
        Assert.Equal(newSha, TestData.Sha256(await again.Content.ReadAsByteArrayAsync()));
        Assert.NotEqual(oldSha, newSha);
        File.Delete(oldPath);
    }

    [Fact]
    public async Task A_partly_stored_version_replaced_in_storage_is_dropped_at_its_first_refused_slice()
    {
        await PutAsync("swapped.bin", 20 * TestData.MiB, seed: 13);
        using (var first = new HttpRequestMessage(HttpMethod.Get, "/c/swapped.bin") { Headers = { Range = new RangeHeaderValue(0, 999) } })
        {
            (await _client.SendAsync(first)).Dispose(); // Slice 0 of 3 stored.
        }

        var (path, _) = await PutAsync("swapped.bin", 20 * TestData.MiB, seed: 14); // Replaced in S3, not through the gateway.
        var current = await File.ReadAllBytesAsync(path);
        using (var refused = new HttpRequestMessage(HttpMethod.Get, "/c/swapped.bin") { Headers = { Range = new RangeHeaderValue(17_000_000, 17_000_099) } })
        {
            // S3 refuses the pinned read of a missing slice (412): this response fails (or is planned again), never mixes.
            using var response = await _client.SendAsync(refused);
            if (response.StatusCode == HttpStatusCode.PartialContent)
            {
                Assert.Equal(current[17_000_000..17_000_100], await response.Content.ReadAsByteArrayAsync());
            }
        }

        using var next = new HttpRequestMessage(HttpMethod.Get, "/c/swapped.bin") { Headers = { Range = new RangeHeaderValue(17_000_000, 17_000_099) } };
        using var served = await _client.SendAsync(next);
        Assert.Equal(HttpStatusCode.PartialContent, served.StatusCode);
        Assert.Equal(current[17_000_000..17_000_100], await served.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_upload_through_the_gateway_replaces_the_cached_version_at_once()
    {
        await PutAsync("uploaded.bin", TestData.MiB, seed: 9);
        (await _client.GetAsync("/c/uploaded.bin")).Dispose();
        var replacement = new byte[300_000];
        Random.Shared.NextBytes(replacement);

        using (var put = await _client.PutAsync("/c/uploaded.bin", new ByteArrayContent(replacement)))
        {
            Assert.True(put.IsSuccessStatusCode, $"PUT answered {put.StatusCode}");
        }

        using var read = await _client.GetAsync("/c/uploaded.bin");
        Assert.Equal(replacement, await read.Content.ReadAsByteArrayAsync());
        Assert.Contains("fwd=miss", CacheStatus(read), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_conditional_upload_is_checked_against_storage_not_the_cached_copy_and_is_no_cache_answer()
    {
        await PutAsync("guarded.bin", TestData.MiB, seed: 20);
        string cachedTag;
        using (var read = await _client.GetAsync("/c/guarded.bin"))
        {
            cachedTag = read.Headers.ETag!.ToString();
        }

        await PutAsync("guarded.bin", TestData.MiB, seed: 21); // Replaced in S3 behind the cache, which still holds the first.
        using var put = new HttpRequestMessage(HttpMethod.Put, "/c/guarded.bin") { Content = new ByteArrayContent(new byte[1000]) };
        put.Headers.TryAddWithoutValidation("If-Match", cachedTag);
        using var refused = await _client.SendAsync(put);

        // RFC 9110 section 13.1.1: against the current representation. The cached copy would let this write undo the other.
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Cache-Status"));
        Assert.Null(refused.Headers.Age);
    }

    [Fact]
    public async Task An_upload_through_a_route_that_does_not_cache_drops_what_the_caching_route_stored()
    {
        await PutAsync("elsewhere.bin", TestData.MiB, seed: 15);
        (await _client.GetAsync("/c/elsewhere.bin")).Dispose();
        var replacement = new byte[200_000];
        Random.Shared.NextBytes(replacement);

        // The documented layout: a caching read route and a write route onto the same cluster share its entries.
        using (var put = await _client.PutAsync("/w/elsewhere.bin", new ByteArrayContent(replacement)))
        {
            Assert.True(put.IsSuccessStatusCode, $"PUT answered {put.StatusCode}");
        }

        using var read = await _client.GetAsync("/c/elsewhere.bin");
        Assert.Equal(replacement, await read.Content.ReadAsByteArrayAsync());
        Assert.Contains("fwd=miss", CacheStatus(read), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_the_route_serves_as_no_cache_is_checked_with_S3_on_every_request()
    {
        // A live playlist rewritten in S3 by a packager, not through the gateway, every few seconds.
        await PutAsync("live/index.m3u8", 2_000, seed: 16);
        using (var first = await _client.GetAsync("/c/live/index.m3u8"))
        {
            Assert.Equal("no-cache", first.Headers.CacheControl?.ToString());
            Assert.Contains("fwd=miss", CacheStatus(first), StringComparison.Ordinal);
        }

        var heads = HeadCount("live/index.m3u8");
        using (var same = await _client.GetAsync("/c/live/index.m3u8"))
        {
            // Checked (one HEAD), and the stored body served: S3 sends no body bytes for an unchanged playlist.
            Assert.Contains("fwd=stale; fwd-status=200", CacheStatus(same), StringComparison.Ordinal);
            Assert.Equal(heads + 1, HeadCount("live/index.m3u8"));
        }

        var (path, _) = await PutAsync("live/index.m3u8", 2_100, seed: 17);
        using var next = await _client.GetAsync("/c/live/index.m3u8");
        Assert.Equal(await File.ReadAllBytesAsync(path), await next.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_object_stored_with_no_cache_is_checked_with_S3_on_every_request_when_the_route_sets_none()
    {
        using (var put = new HttpRequestMessage(HttpMethod.Put, "/c/live/captions.vtt") { Content = new ByteArrayContent(new byte[3_000]) })
        {
            put.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true }; // Kept with the object in S3.
            using var stored = await _client.SendAsync(put);
            Assert.True(stored.IsSuccessStatusCode, $"PUT answered {stored.StatusCode}");
        }

        using (var first = await _client.GetAsync("/c/live/captions.vtt"))
        {
            Assert.Equal("no-cache", first.Headers.CacheControl?.ToString());
            Assert.Contains("fwd=miss", CacheStatus(first), StringComparison.Ordinal);
        }

        // Clients are told no-cache (the object's own field, RFC 9111 section 5.2.2.4): the cache keeps to it too.
        using var again = await _client.GetAsync("/c/live/captions.vtt");
        Assert.Contains("fwd=stale; fwd-status=200", CacheStatus(again), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_the_route_gives_a_short_max_age_is_fresh_for_that_long_not_for_Ttl()
    {
        await PutAsync("live/manifest.mpd", 3_000, seed: 18);
        (await _client.GetAsync("/c/live/manifest.mpd")).Dispose();
        using (var fresh = await _client.GetAsync("/c/live/manifest.mpd"))
        {
            // The real clock runs on under the shifted one: two seconds left at most, less what the test took.
            Assert.Matches("^StreamForge; hit; ttl=[012]$", CacheStatus(fresh));
        }

        var (path, _) = await PutAsync("live/manifest.mpd", 3_100, seed: 19);
        _clock.Advance(TimeSpan.FromSeconds(3)); // Past the route's max-age=2, well within the policy's one-minute Ttl.
        using var next = await _client.GetAsync("/c/live/manifest.mpd");
        Assert.Equal(await File.ReadAllBytesAsync(path), await next.Content.ReadAsByteArrayAsync());
        Assert.Contains("fwd=stale", CacheStatus(next), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_completed_resumable_upload_replaces_the_cached_version_at_once()
    {
        await PutAsync("resumed.bin", TestData.MiB, seed: 13);
        (await _client.GetAsync("/c/resumed.bin")).Dispose();
        var file = _folder.Combine("resumed-new.bin");
        var sha = TestData.CreateFile(file, 600_000, seed: 14);

        var upload = await TusClient.UploadAsync(new Uri(_gateway.Address, "/c/resumed.bin"), file, 256 * 1024);

        Assert.Equal(600_000, upload.Offset);
        using var read = await _client.GetAsync("/c/resumed.bin");
        Assert.Equal(sha, TestData.Sha256(await read.Content.ReadAsByteArrayAsync()));
        Assert.Contains("fwd=miss", CacheStatus(read), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_an_authenticated_caller_may_purge_and_a_purged_key_is_fetched_again()
    {
        await PutAsync("purged/a.bin", TestData.MiB, seed: 10);
        await PutAsync("purged/b.bin", TestData.MiB, seed: 11);
        (await _client.GetAsync("/c/purged/a.bin")).Dispose();
        (await _client.GetAsync("/c/purged/b.bin")).Dispose();

        using (var anonymous = await _client.DeleteAsync("/_streamforge/cache/cached/purged/a.bin"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("authentication_required", (await anonymous.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        }

        using (var hit = await _client.GetAsync("/c/purged/a.bin"))
        {
            Assert.StartsWith("StreamForge; hit", CacheStatus(hit), StringComparison.Ordinal);
        }

        Assert.Equal(1, await PurgeAsync("/_streamforge/cache/cached/purged/a.bin"));
        var reads = _s3.Requests("purged/a.bin").Count(r => r.Method == "GET");
        using (var miss = await _client.GetAsync("/c/purged/a.bin"))
        {
            Assert.Contains("fwd=miss", CacheStatus(miss), StringComparison.Ordinal);
        }

        Assert.Equal(reads + 1, _s3.Requests("purged/a.bin").Count(r => r.Method == "GET"));
        Assert.Equal(2, await PurgeAsync("/_streamforge/cache/cached/purged/?prefix=true"));
        using var unknown = await SendPurgeAsync("/_streamforge/cache/no-such-route/x");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Eviction_keeps_the_cache_under_MaxSize_while_three_times_as_much_is_read()
    {
        const int objects = 24; // 8 MiB each: 192 MiB through a 64 MiB cache.
        var hashes = new List<string>();
        for (var i = 0; i < objects; i++)
        {
            hashes.Add((await PutAsync($"evict/{i}.bin", 8 * TestData.MiB, seed: 100 + i)).Sha);
        }

        for (var i = 0; i < objects; i++)
        {
            using var response = await _client.GetAsync($"/c/evict/{i}.bin");
            Assert.Equal(hashes[i], TestData.Sha256(await response.Content.ReadAsByteArrayAsync()));
            Assert.True(SliceBytes() <= 64L * TestData.MiB, $"the cache holds {SliceBytes()} bytes of slices after object {i}");
        }

        using var first = await _client.GetAsync("/c/evict/0.bin");
        Assert.Equal(hashes[0], TestData.Sha256(await first.Content.ReadAsByteArrayAsync()));
        Assert.Contains("fwd=", CacheStatus(first), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cache_survives_a_restart_of_the_gateway()
    {
        var (_, sha) = await PutAsync("restart.bin", 3 * TestData.MiB, seed: 12);
        (await _client.GetAsync("/c/restart.bin")).Dispose();
        await Eventually.TrueAsync(() => Directory.EnumerateFiles(CacheDirectory, "*.tmp", SearchOption.AllDirectories).Any() is false, "the fill committed");
        var reads = _s3.Requests("restart.bin").Count;
        await _gateway.DisposeAsync();

        _gateway = await StartGatewayAsync();
        using var client = new HttpClient { BaseAddress = _gateway.Address };
        using var response = await client.GetAsync("/c/restart.bin");

        Assert.StartsWith("StreamForge; hit", CacheStatus(response), StringComparison.Ordinal);
        Assert.Equal(sha, TestData.Sha256(await response.Content.ReadAsByteArrayAsync()));
        Assert.Equal(reads, _s3.Requests("restart.bin").Count);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _s3.DisposeAsync();
        _folder.Dispose();
    }

    private Task<GatewayHost> StartGatewayAsync() =>
        GatewayHost.StartAsync(
            new GatewayConfig()
                .S3(_s3.ServiceUrl)
                .Cluster("bucket", "s3://media/")
                .Route("cached", "/c/{**key}", "bucket", policy: "edge", writeAccess: "Anonymous")
                .Route("writes", "/w/{**key}", "bucket", writeAccess: "Anonymous")
                .Set("StreamForge:Cache:Directory", CacheDirectory)
                .Set("StreamForge:Cache:MaxSize", "64MiB")
                .Set("StreamForge:Auth:ApiKeys:operator", ApiKey)
                .Set("StreamForge:StreamPolicies:edge:Range:SliceSize", "8MiB")
                .Set("StreamForge:StreamPolicies:edge:Cache:Enabled", "true")
                .Set("StreamForge:StreamPolicies:edge:Headers:CacheControlByExtension:.m3u8", "no-cache")
                .Set("StreamForge:StreamPolicies:edge:Headers:CacheControlByExtension:.mpd", "max-age=2")
                .Set("StreamForge:StreamPolicies:edge:Resumable:Enabled", "true")
                .Set("StreamForge:StreamPolicies:edge:Cache:Ttl", "00:01:00")
                .Set("StreamForge:StreamPolicies:edge:Cache:StaleIfError", "00:10:00"),
            services: services => services.AddSingleton<TimeProvider>(_clock));

    private async Task<(string Path, string Sha)> PutAsync(string key, long length, int seed)
    {
        var path = _folder.Combine("objects", key.Replace('/', '_'));
        var sha = TestData.CreateFile(path, length, seed);
        await _s3.PutAsync(key, path);
        return (path, sha);
    }

    private async Task<int> PurgeAsync(string path)
    {
        using var response = await SendPurgeAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<PurgeAnswer>())!.Purged;
    }

    private Task<HttpResponseMessage> SendPurgeAsync(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, path);
        request.Headers.Add("X-Api-Key", ApiKey);
        return _client.SendAsync(request);
    }

    private int HeadCount(string key) => _s3.Requests(key).Count(r => r.Method == "HEAD");

    private long SliceBytes() =>
        Directory.EnumerateFiles(CacheDirectory, "*", SearchOption.AllDirectories)
            .Where(file => !Path.GetFileName(file).StartsWith("meta.json", StringComparison.Ordinal))
            .Sum(file => new FileInfo(file).Length);

    private static string CacheStatus(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(", ", values) : "(none)";

    private static async Task<byte[]?> ReadToEndOrNullAsync(Stream body)
    {
        try
        {
            using var rest = new MemoryStream();
            await body.CopyToAsync(rest);
            return rest.ToArray();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return null;
        }
    }

    private sealed record PurgeAnswer(int Purged);
}
