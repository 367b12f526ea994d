using System.Net;
using System.Net.Http.Headers;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Ranges;

/// <summary>Ranges and conditionals through an origin route: nginx's answers arrive intact; bad sets never reach it.</summary>
public sealed class OriginRangeTests : IAsyncLifetime
{
    private const int Length = 50_000;

    private NginxOrigin _nginx = null!;
    private GatewayHost _gateway = null!;
    private byte[] _content = [];

    public async Task InitializeAsync()
    {
        _nginx = await NginxOrigin.StartAsync();
        var path = Path.Combine(_nginx.WebRoot, "clip.mp4");
        TestData.CreateFile(path, Length, seed: 3);
        _content = File.ReadAllBytes(path);
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("origin", _nginx.Address.ToString())
            .Route("web", "/web/{**rest}", "origin", policy: "strict")
            .Set("ReverseProxy:Routes:web:Transforms:0:PathRemovePrefix", "/web")
            .Route("lenient", "/lenient/{**rest}", "origin")
            .Set("ReverseProxy:Routes:lenient:Transforms:0:PathRemovePrefix", "/lenient")
            .Set("StreamForge:StreamPolicies:strict:Range:OnAbuse", "Reject"));
    }

    [Fact]
    public async Task The_origins_206_arrives_intact()
    {
        using var response = await SendAsync("/lenient/clip.mp4", r => r.Headers.Range = new RangeHeaderValue(100, 199));

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes 100-199/{Length}", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(_content[100..200], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_origins_416_is_not_turned_into_anything_else()
    {
        using var response = await SendAsync("/lenient/clip.mp4", r => r.Headers.Range = new RangeHeaderValue(Length + 10, null));

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal($"bytes */{Length}", response.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task The_origins_304_and_if_range_decisions_arrive_intact()
    {
        using var head = await SendAsync("/lenient/clip.mp4", r => r.Method = HttpMethod.Head);
        var etag = head.Headers.ETag!;

        using var notModified = await SendAsync("/lenient/clip.mp4", r => r.Headers.IfNoneMatch.Add(etag));
        using var stale = await SendAsync("/lenient/clip.mp4", r =>
        {
            r.Headers.Range = new RangeHeaderValue(0, 9);
            r.Headers.TryAddWithoutValidation("If-Range", "\"stale\"");
        });

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
    }

    [Fact]
    public async Task An_unparsable_range_is_dropped_so_the_origin_answers_200()
    {
        using var response = await SendAsync("/lenient/clip.mp4", r => r.Headers.TryAddWithoutValidation("Range", "bytes=9-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Length, (await response.Content.ReadAsByteArrayAsync()).Length);
    }

    [Theory]
    [InlineData("/lenient/clip.mp4", HttpStatusCode.OK)]
    [InlineData("/web/clip.mp4", HttpStatusCode.RequestedRangeNotSatisfiable)]
    public async Task An_abusive_range_set_never_reaches_the_origin(string path, HttpStatusCode expected)
    {
        using var response = await SendAsync(path, r => r.Headers.TryAddWithoutValidation("Range", "bytes=0-1,2-3,4-5,6-7,8-9,0-100"));

        Assert.Equal(expected, response.StatusCode);
    }

    private Task<HttpResponseMessage> SendAsync(string path, Action<HttpRequestMessage> configure)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        configure(request);
        return _gateway.Client.SendAsync(request);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _nginx.Dispose();
    }
}
