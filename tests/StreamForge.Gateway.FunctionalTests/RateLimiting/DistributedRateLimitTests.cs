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
        _redis = await RedisServer.StartAsync();
    }

    [Fact]
    public async Task Two_instances_enforce_one_shared_limit()
    {
        await using var first = await StartGatewayAsync(_redis.Configuration, "FailClosed");
        await using var second = await StartGatewayAsync(_redis.Configuration, "FailClosed");
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
