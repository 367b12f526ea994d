using System.Net;
using System.Net.Http.Json;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Proxy;

/// <summary>Errors the gateway itself generates on origin routes and unmatched paths carry problem+json and a stable code.</summary>
public sealed class OriginErrorTests : IAsyncLifetime
{
    private FaultOrigin _origin = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _origin = await FaultOrigin.StartAsync();
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("refusing", $"http://127.0.0.1:{FreePort.Next()}/")
            .Route("refused", "/refused/{**rest}", "refusing")
            .Cluster("hanging", _origin.Address.ToString())
            .Set("ReverseProxy:Clusters:hanging:HttpRequest:ActivityTimeout", "00:00:01")
            .Route("hung", "/hung/{**rest}", "hanging")
            .Set("ReverseProxy:Routes:hung:Transforms:0:PathRemovePrefix", "/hung"));
    }

    [Theory]
    [InlineData("/nowhere")]
    [InlineData("/nowhere/movie.mp4")]
    public async Task A_path_no_route_matches_is_404_route_not_found(string path)
    {
        using var response = await _gateway.Client.GetAsync(path);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "route_not_found");
    }

    [Fact]
    public async Task An_origin_that_refuses_connections_is_502_upstream_failed()
    {
        using var response = await _gateway.Client.GetAsync("/refused/movie.mp4");

        await AssertProblemAsync(response, HttpStatusCode.BadGateway, "upstream_failed");
    }

    [Fact]
    public async Task An_origin_that_never_answers_is_504_upstream_timeout_with_retry_after()
    {
        using var response = await _gateway.Client.GetAsync("/hung/hang");

        await AssertProblemAsync(response, HttpStatusCode.GatewayTimeout, "upstream_timeout");
        Assert.NotNull(response.Headers.RetryAfter);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _origin.DisposeAsync();
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
    }
}
