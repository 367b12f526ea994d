using System.Net;
using System.Net.Http.Json;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Caching;

/// <summary>A caching origin route whose origin accepts requests and never answers.</summary>
public sealed class OriginCacheTimeoutTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("origin-cache-timeout");
    private FaultOrigin _origin = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _origin = await FaultOrigin.StartAsync();
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("silent", _origin.Address.ToString())
            .Set("ReverseProxy:Clusters:silent:HttpRequest:ActivityTimeout", "00:00:01")
            .Route("edge", "/edge/{**rest}", "silent", policy: "edge")
            .Set("ReverseProxy:Routes:edge:Transforms:0:PathRemovePrefix", "/edge")
            .Set("StreamForge:Cache:Directory", _folder.Combine("cache"))
            .Set("StreamForge:StreamPolicies:edge:Cache:Enabled", "true"));
    }

    [Fact]
    public async Task A_look_at_the_origin_that_times_out_is_answered_504_without_asking_again()
    {
        // The cluster's connection and both hosts warmed up first: on a loaded machine a cold first request could time
        // out before it reached the origin at all.
        using (var warm = await _gateway.Client.GetAsync("/edge/no-ranges/16"))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        using var response = await _gateway.Client.GetAsync("/edge/hang");

        // The cache's look timed out, and the request was then forwarded to the same silent origin: a second
        // timeout (200 s with YARP's default) and a second request to an origin already in trouble.
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("upstream_timeout", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        await Eventually.TrueAsync(() => _origin.HangRequests > 0, "the origin saw the look");
        Assert.Equal(1, _origin.HangRequests);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _origin.DisposeAsync();
        _folder.Dispose();
    }
}
