using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Hosting;

/// <summary>
/// W3C trace context (https://www.w3.org/TR/trace-context/) on origin routes of a gateway that exports no traces:
/// the client's context reaches the origin as the client sent it, and none is invented. The gateway runs as its own
/// process, as deployed: an ActivityListener of another test in this process would start request spans.
/// </summary>
public sealed class TraceContextTests : IAsyncLifetime
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private readonly TempFolder _folder = new("trace-context");
    private CachingOrigin _origin = null!;
    private GatewayProcess _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _origin = await CachingOrigin.StartAsync();
        _origin.Serve("/clip.bin", 1024);
        _gateway = await GatewayProcess.StartAsync(new GatewayConfig()
            .Cluster("origin", _origin.Address.ToString())
            .Route("web", "/{**rest}", "origin"), _folder.Path);
        _client = new HttpClient { BaseAddress = _gateway.Address };
    }

    [Fact]
    public async Task The_clients_traceparent_and_tracestate_reach_the_origin_unchanged()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/clip.bin");
        request.Headers.TryAddWithoutValidation("traceparent", TraceParent);
        request.Headers.TryAddWithoutValidation("tracestate", "vendor=abc");

        using var response = await _client.SendAsync(request);

        response.EnsureSuccessStatusCode();
        var received = Assert.Single(_origin.Requests("/clip.bin"));
        Assert.Equal(TraceParent, received.TraceParent);
        Assert.Equal("vendor=abc", received.TraceState);
    }

    [Fact]
    public async Task A_request_without_trace_context_reaches_the_origin_without_one()
    {
        using var response = await _client.GetAsync("/clip.bin");

        response.EnsureSuccessStatusCode();
        var received = Assert.Single(_origin.Requests("/clip.bin"));
        Assert.Null(received.TraceParent);
        Assert.Null(received.TraceState);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _gateway.Dispose();
        await _origin.DisposeAsync();
        _folder.Dispose();
    }
}
