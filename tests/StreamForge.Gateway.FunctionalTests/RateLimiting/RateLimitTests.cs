using System.Net;
using System.Net.Http.Json;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.RateLimiting;

/// <summary>Per-route request-rate policies through YARP's RateLimiterPolicy, partitioned per client.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("ratelimits");
    private FaultOrigin _origin = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_folder.Path, "a.txt"), "hello");
        _origin = await FaultOrigin.StartAsync();
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("files", $"file://{_folder.Path}/")
            .Route("fixed", "/fixed/{**key}", "files").Set("ReverseProxy:Routes:fixed:RateLimiterPolicy", "three-per-hour")
            .Route("bucket", "/bucket/{**key}", "files").Set("ReverseProxy:Routes:bucket:RateLimiterPolicy", "two-tokens")
            .Route("sliding", "/sliding/{**key}", "files").Set("ReverseProxy:Routes:sliding:RateLimiterPolicy", "two-sliding")
            .Route("free", "/free/{**key}", "files")
            .Cluster("origin", _origin.Address.ToString())
            .Route("streams", "/streams/{**rest}", "origin")
            .Set("ReverseProxy:Routes:streams:Transforms:0:PathRemovePrefix", "/streams")
            .Set("ReverseProxy:Routes:streams:RateLimiterPolicy", "one-stream")
            .Set("StreamForge:RateLimits:three-per-hour:Kind", "FixedWindow")
            .Set("StreamForge:RateLimits:three-per-hour:PermitLimit", "3")
            .Set("StreamForge:RateLimits:three-per-hour:Window", "01:00:00")
            .Set("StreamForge:RateLimits:three-per-hour:PartitionBy", "Header:X-Client")
            .Set("StreamForge:RateLimits:two-tokens:Kind", "TokenBucket")
            .Set("StreamForge:RateLimits:two-tokens:TokenLimit", "2")
            .Set("StreamForge:RateLimits:two-tokens:ReplenishmentPeriod", "01:00:00")
            .Set("StreamForge:RateLimits:two-sliding:Kind", "SlidingWindow")
            .Set("StreamForge:RateLimits:two-sliding:PermitLimit", "2")
            .Set("StreamForge:RateLimits:two-sliding:Window", "01:00:00")
            .Set("StreamForge:RateLimits:one-stream:Kind", "FixedWindow")
            .Set("StreamForge:RateLimits:one-stream:PermitLimit", "1000")
            .Set("StreamForge:RateLimits:one-stream:Window", "01:00:00")
            .Set("StreamForge:RateLimits:one-stream:MaxConcurrentStreams", "1"));
    }

    [Fact]
    public async Task Requests_over_the_window_get_429_with_retry_after_and_a_code()
    {
        using var rejected = new RouteMeter("streamforge.requests.rejected", "fixed", reason: "rate_limited");
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await GetAsync("/fixed/a.txt", client: "alice");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await GetAsync("/fixed/a.txt", client: "alice");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("rate_limited", (await refused.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        Assert.Equal(1, rejected.Total);
    }

    [Fact]
    public async Task Each_client_has_its_own_budget_and_other_routes_are_unaffected()
    {
        for (var i = 0; i < 3; i++)
        {
            using var spent = await GetAsync("/fixed/a.txt", client: "bob");
        }

        using var bob = await GetAsync("/fixed/a.txt", client: "bob");
        using var carol = await GetAsync("/fixed/a.txt", client: "carol");
        using var free = await GetAsync("/free/a.txt", client: "bob");

        Assert.Equal(HttpStatusCode.TooManyRequests, bob.StatusCode);
        Assert.Equal(HttpStatusCode.OK, carol.StatusCode);
        Assert.Equal(HttpStatusCode.OK, free.StatusCode);
    }

    [Theory]
    [InlineData("/bucket/a.txt")]
    [InlineData("/sliding/a.txt")]
    public async Task Token_bucket_and_sliding_window_policies_limit_too(string path)
    {
        using var first = await GetAsync(path);
        using var second = await GetAsync(path);
        using var third = await GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
    }

    [Fact]
    public async Task A_sliding_window_refusal_says_when_its_permits_slide_out()
    {
        for (var i = 0; i < 2; i++)
        {
            using var allowed = await GetAsync("/sliding/a.txt", client: "dave");
        }

        using var refused = await GetAsync("/sliding/a.txt", client: "dave");

        // The in-memory sliding window gives no hint of its own. Both permits were taken in the first of the hour's four
        // segments, so they come back when the window has slid past it, an hour on; the next segment (15 minutes, the
        // old hint) frees none of them.
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromHours(1), refused.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task A_client_over_its_concurrent_stream_cap_is_refused_until_a_stream_ends()
    {
        using var streaming = await _gateway.Client.GetAsync("/streams/gated", HttpCompletionOption.ResponseHeadersRead);
        await _origin.GatedHalfSent.Task.WaitAsync(TimeSpan.FromSeconds(15));

        using var second = await GetAsync("/streams/gated");
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        // A slot frees when any stream ends: not the hour of the policy's request window.
        Assert.Equal(TimeSpan.FromSeconds(1), second.Headers.RetryAfter?.Delta);

        _origin.Gate.TrySetResult();
        Assert.Equal(2 * FaultOrigin.ChunkSize, (await streaming.Content.ReadAsByteArrayAsync()).Length);
        streaming.Dispose();
        await Eventually.TrueAsync(async () =>
        {
            using var next = await GetAsync("/streams/gated");
            return next.StatusCode == HttpStatusCode.OK;
        }, "a stream slot frees up");
    }

    private Task<HttpResponseMessage> GetAsync(string path, string? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (client is not null)
        {
            request.Headers.Add("X-Client", client);
        }

        return _gateway.Client.SendAsync(request);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _origin.DisposeAsync();
        _folder.Dispose();
    }
}
