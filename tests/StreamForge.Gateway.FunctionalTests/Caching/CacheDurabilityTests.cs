using System.Net;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Caching;

/// <summary>
/// The cache's disk under stress: a gateway killed (-9) in the middle of a fill leaves nothing that is served
/// torn after a restart, and a full cache disk degrades to pass-through with a logged error, never a failed response.
/// </summary>
public sealed class CacheDurabilityTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("cache-durability");
    private DedicatedS3Server _s3 = null!;

    public async Task InitializeAsync() => _s3 = await DedicatedS3Server.StartAsync();

    [Fact]
    public async Task A_gateway_killed_mid_fill_serves_byte_exact_objects_after_a_restart()
    {
        var file = _folder.Combine("objects", "big.bin");
        // One slice as large as the object: the fill runs at the S3 server's speed whatever the client reads, so it
        // must take long (about a second here) against the moment between the client's first MiB and the pause.
        var sha = TestData.CreateFile(file, 192L * TestData.MiB, seed: 31);
        await _s3.PutAsync("big.bin", file);
        var cache = _folder.Combine("cache");
        var config = Config(cache);

        using (var gateway = await GatewayProcess.StartAsync(config, _folder.Path))
        using (var client = new HttpClient { BaseAddress = gateway.Address })
        {
            using var response = await client.GetAsync("/c/big.bin", HttpCompletionOption.ResponseHeadersRead);
            var body = await response.Content.ReadAsStreamAsync();
            await body.ReadExactlyAsync(new byte[TestData.MiB]);
            // Freeze S3 so the slice cannot complete, then kill the gateway in the middle of it.
            _s3.Pause();
            await Eventually.TrueAsync(() => TempFiles(cache).Count > 0, "a fill in progress");
            gateway.Kill();
            _s3.Resume();
        }

        using var restarted = await GatewayProcess.StartAsync(config, _folder.Path);
        Assert.Empty(TempFiles(cache));
        using var again = new HttpClient { BaseAddress = restarted.Address };
        for (var read = 0; read < 2; read++)
        {
            using var response = await again.GetAsync("/c/big.bin", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(sha, await TestData.Sha256Async(await response.Content.ReadAsStreamAsync()));
        }
    }

    [TmpfsFact]
    public async Task A_full_cache_disk_degrades_to_pass_through_with_a_logged_error()
    {
        var file = _folder.Combine("objects", "large.bin");
        var sha = TestData.CreateFile(file, 12L * TestData.MiB, seed: 32);
        await _s3.PutAsync("large.bin", file);
        using var disk = await TmpfsMount.MountAsync(_folder.Combine("tiny-cache"), "2m");
        using var logs = new CapturedLogs();
        await using var gateway = await GatewayHost.StartAsync(Config(disk.Path).Set("StreamForge:StreamPolicies:edge:Range:SliceSize", "4MiB"), logs: logs);

        for (var read = 0; read < 3; read++)
        {
            using var response = await gateway.Client.GetAsync("/c/large.bin", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(sha, await TestData.Sha256Async(await response.Content.ReadAsStreamAsync()));
        }

        Assert.Contains(logs.Errors, line => line.Contains("cannot write", StringComparison.Ordinal));

        // While the cache does not write, a miss must not claim to be stored (RFC 9211 section 2.7).
        var other = _folder.Combine("objects", "other.bin");
        TestData.CreateFile(other, TestData.MiB, seed: 33);
        await _s3.PutAsync("other.bin", other);
        using var miss = await gateway.Client.GetAsync("/c/other.bin");
        var cacheStatus = string.Join(",", miss.Headers.GetValues("Cache-Status"));
        Assert.Contains("fwd=miss", cacheStatus, StringComparison.Ordinal);
        Assert.DoesNotContain("stored", cacheStatus, StringComparison.Ordinal);
    }

    [TmpfsFact]
    public async Task While_the_cache_cannot_write_a_range_of_a_response_without_a_validator_is_still_answered()
    {
        await using var origin = await CachingOrigin.StartAsync();
        var filler = origin.Serve("/filler.bin", 4 * TestData.MiB, seed: 34);
        filler.Headers["Cache-Control"] = "public, max-age=300";
        var plain = origin.Serve("/plain.m3u8", 500, seed: 35);
        plain.Headers["Cache-Control"] = "public, max-age=300";
        (plain.ETag, plain.LastModified) = (null, null);
        using var disk = await TmpfsMount.MountAsync(_folder.Combine("tiny-origin-cache"), "2m");
        using var logs = new CapturedLogs();
        await using var gateway = await GatewayHost.StartAsync(
            new GatewayConfig()
                .Cluster("origin", origin.Address.ToString())
                .Route("cached-web", "/o/{**rest}", "origin", policy: "edge")
                .Set("ReverseProxy:Routes:cached-web:Transforms:0:PathRemovePrefix", "/o")
                .Set("StreamForge:Cache:Directory", disk.Path)
                .Set("StreamForge:StreamPolicies:edge:Range:SliceSize", "1MiB")
                .Set("StreamForge:StreamPolicies:edge:Cache:Enabled", "true"),
            logs: logs);
        using (var full = await gateway.Client.GetAsync("/o/filler.bin"))
        {
            Assert.Equal(filler.Sha256(), TestData.Sha256(await full.Content.ReadAsByteArrayAsync()));
        }

        Assert.Contains(logs.Errors, line => line.Contains("cannot write", StringComparison.Ordinal));

        // Its one look holds all of it, but its slice cannot be stored, and without a validator no later read can be
        // pinned to that look: not stored, and answered as the origin answers (it was a 412 nobody asked for).
        using var range = new HttpRequestMessage(HttpMethod.Get, "/o/plain.m3u8") { Headers = { Range = new System.Net.Http.Headers.RangeHeaderValue(100, 200) } };
        using var response = await gateway.Client.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(SeededBytes.Bytes(plain.Seed, 100, 101), await response.Content.ReadAsByteArrayAsync());
    }

    public async Task DisposeAsync()
    {
        await _s3.DisposeAsync();
        _folder.Dispose();
    }

    private GatewayConfig Config(string cache) => new GatewayConfig()
        .S3(_s3.ServiceUrl)
        .Cluster("bucket", "s3://media/")
        .Route("cached", "/c/{**key}", "bucket", policy: "edge")
        .Set("StreamForge:Cache:Directory", cache)
        .Set("StreamForge:StreamPolicies:edge:Range:SliceSize", "256MiB")
        .Set("StreamForge:StreamPolicies:edge:Cache:Enabled", "true");

    private static List<string> TempFiles(string cache) =>
        Directory.Exists(cache) ? [.. Directory.EnumerateFiles(cache, "*.tmp", SearchOption.AllDirectories)] : [];
}
