using System.Net;
using System.Net.Http.Json;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.RateLimiting;

/// <summary>Two gateway instances sharing one limit through a real redis-server, and what happens when Redis is gone.</summary>
public sealed class DistributedRateLimitTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("distributed");
    private RedisServer _redis = null!;

    public async Task InitializeAsync()
    {
        File.WriteAllText(Path.Combine(_folder.Path, "a.txt"), "hello");
        TestData.CreateFile(Path.Combine(_folder.Path, "big.bin"), 64L * 1024 * 1024);
        _redis = await RedisServer.StartAsync();
    }

    [Fact]
    public async Task Two_instances_enforce_one_shared_limit()
    {
        await using var first = await StartGatewayAsync(_redis.Configuration, "FailClosed");
        await using var second = await StartGatewayAsync(_redis.Configuration, "FailClosed");
        await ConnectedAsync(first);
        await ConnectedAsync(second);
        var client = Guid.NewGuid().ToString("N");

        var statuses = new List<HttpStatusCode>();
        foreach (var gateway in new[] { first, second, first, second, first })
        {
            using var response = await GetAsync(gateway, client);
            statuses.Add(response.StatusCode);
        }

        using var sixthOnFirst = await GetAsync(first, client);
        using var sixthOnSecond = await GetAsync(second, client);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, sixthOnFirst.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, sixthOnSecond.StatusCode);
    }

    [Fact]
    public async Task Without_redis_a_fail_open_route_serves_and_a_fail_closed_route_refuses()
    {
        var nowhere = $"127.0.0.1:{FreePort.Next()}";
        await using var open = await StartGatewayAsync(nowhere, "FailOpen");
        await using var closed = await StartGatewayAsync(nowhere, "FailClosed");

        using var served = await GetAsync(open, "anyone");
        using var refused = await GetAsync(closed, "anyone");

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("rate_limiter_unavailable", (await refused.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
    }

    /// <param name="concurrencyKind">The cap as a Concurrency policy of two permits, not a rate policy's MaxConcurrentStreams.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_shared_stream_cap_holds_for_as_long_as_the_streams_run(bool concurrencyKind)
    {
        await using var first = await StartStreamingGatewayAsync(concurrencyKind);
        await using var second = await StartStreamingGatewayAsync(concurrencyKind);
        using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        var database = redis.GetDatabase();

        // Two throttled downloads hold both of the client's permits, whichever instance serves them.
        using var one = await first.Client.GetAsync("/streams/big.bin", HttpCompletionOption.ResponseHeadersRead);
        using var two = await second.Client.GetAsync("/streams/big.bin", HttpCompletionOption.ResponseHeadersRead);
        using var third = await first.Client.GetAsync("/streams/a.txt");
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(HttpStatusCode.OK, two.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);

        // RedisRateLimiting's count forgot a permit 60 s after it was taken, mid-stream. Here a permit lasts as long as its
        // stream: even when Redis loses it (a restart without persistence, as here), the instance holding it puts it back.
        var key = Assert.Single(redis.GetServer(_redis.Configuration).Keys(pattern: "streamforge:streams:*"));
        await database.KeyDeleteAsync(key);

        await Eventually.TrueAsync(async () =>
        {
            var now = NowMilliseconds(await database.ExecuteAsync("TIME"));
            var scores = await database.SortedSetRangeByRankWithScoresAsync(key);
            return scores.Length == 2 && scores.All(entry => entry.Score > now + 10_000);
        }, "the instances renew the permits of their running streams");
        using var stillRefused = await second.Client.GetAsync("/streams/a.txt");
        Assert.Equal(HttpStatusCode.TooManyRequests, stillRefused.StatusCode);

        // A stream that ends gives its permit back at once.
        one.Dispose();
        await Eventually.TrueAsync(async () => await database.SortedSetLengthAsync(key) == 1, "the finished stream's permit is removed");
        using var admitted = await second.Client.GetAsync("/streams/a.txt");
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    private static double NowMilliseconds(StackExchange.Redis.RedisResult time)
    {
        var parts = (StackExchange.Redis.RedisResult[])time!;
        return ((long)parts[0] * 1000) + ((long)parts[1] / 1000);
    }

    private Task<GatewayHost> StartStreamingGatewayAsync(bool concurrencyKind)
    {
        var config = new GatewayConfig()
            .Cluster("files", $"file://{_folder.Path}/")
            .Route("streams", "/streams/{**key}", "files", policy: "slow")
            .Set("ReverseProxy:Routes:streams:RateLimiterPolicy", "streams")
            .Set("StreamForge:StreamPolicies:slow:Throttle:BytesPerSecond", "64KB")
            .Set("StreamForge:Redis:Configuration", _redis.Configuration)
            .Set("StreamForge:RateLimits:streams:Distributed", "true");
        return GatewayHost.StartAsync(concurrencyKind
            ? config.Set("StreamForge:RateLimits:streams:Kind", "Concurrency").Set("StreamForge:RateLimits:streams:PermitLimit", "2")
            : config.Set("StreamForge:RateLimits:streams:Kind", "FixedWindow")
                .Set("StreamForge:RateLimits:streams:PermitLimit", "1000")
                .Set("StreamForge:RateLimits:streams:Window", "01:00:00")
                .Set("StreamForge:RateLimits:streams:MaxConcurrentStreams", "2"));
    }

    private Task<GatewayHost> StartGatewayAsync(string redis, string outageMode) =>
        GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("files", $"file://{_folder.Path}/")
            .Route("shared", "/shared/{**key}", "files")
            .Set("ReverseProxy:Routes:shared:RateLimiterPolicy", "shared")
            .Set("StreamForge:Redis:Configuration", redis)
            .Set("StreamForge:RateLimits:shared:Kind", "FixedWindow")
            .Set("StreamForge:RateLimits:shared:PermitLimit", "5")
            .Set("StreamForge:RateLimits:shared:Window", "01:00:00")
            .Set("StreamForge:RateLimits:shared:PartitionBy", "Header:X-Client")
            .Set("StreamForge:RateLimits:shared:Distributed", "true")
            .Set("StreamForge:RateLimits:shared:RedisUnavailable", outageMode));

    /// <summary>
    /// Waits until the instance reaches Redis (with a client of its own), so that a first connection slower than the
    /// connect timeout on a loaded machine is not taken for the outage a fail-closed route answers 503.
    /// </summary>
    private static Task ConnectedAsync(GatewayHost gateway) =>
        Eventually.TrueAsync(async () =>
        {
            using var response = await GetAsync(gateway, Guid.NewGuid().ToString("N"));
            return response.StatusCode == HttpStatusCode.OK;
        }, "the instance reaches Redis");

    private static Task<HttpResponseMessage> GetAsync(GatewayHost gateway, string client)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/shared/a.txt");
        request.Headers.Add("X-Client", client);
        return gateway.Client.SendAsync(request);
    }

    public Task DisposeAsync()
    {
        _redis.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
