using System.Net;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Proxy;

/// <summary>An HTTP origin route (YARP forwarding) in front of Debian's nginx.</summary>
public sealed class OriginRouteTests : IAsyncLifetime
{
    private NginxOrigin _nginx = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _nginx = await NginxOrigin.StartAsync();
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("origin", _nginx.Address.ToString())
            .Route("web", "/web/{**rest}", "origin")
            .Set("ReverseProxy:Routes:web:Transforms:0:PathRemovePrefix", "/web"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(TestData.MiB)]
    [InlineData(64 * TestData.MiB)]
    public async Task Origin_bodies_stream_through_unchanged(int size)
    {
        var expected = TestData.CreateFile(Path.Combine(_nginx.WebRoot, $"{size}.bin"), size, seed: size + 11);

        using var response = await _gateway.Client.GetAsync($"/web/{size}.bin", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(size, response.Content.Headers.ContentLength);
        Assert.Equal(expected, await TestData.Sha256Async(await response.Content.ReadAsStreamAsync()));
    }

    [Theory]
    [InlineData("media.bin", 3 * TestData.MiB)] // not compressed, but response compression stands in the way
    [InlineData("notes.txt", 200_000)]          // compressed on the way
    public async Task Origin_bodies_arrive_whole_at_a_client_that_accepts_compression(string name, int size)
    {
        var expected = TestData.CreateFile(Path.Combine(_nginx.WebRoot, name), size, seed: size + 5);
        using var decoding = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All });

        using var response = await decoding.GetAsync(new Uri(_gateway.Address, $"/web/{name}"), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, await TestData.Sha256Async(await response.Content.ReadAsStreamAsync()));
    }

    [Fact]
    public async Task Head_and_validators_come_from_the_origin()
    {
        TestData.CreateFile(Path.Combine(_nginx.WebRoot, "clip.mp4"), 2048);

        using var direct = await new HttpClient().SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(_nginx.Address, "clip.mp4")));
        using var head = await _gateway.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/web/clip.mp4"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(2048, head.Content.Headers.ContentLength);
        Assert.Equal("video/mp4", head.Content.Headers.ContentType?.MediaType);
        Assert.Equal(direct.Headers.ETag, head.Headers.ETag);
        Assert.Equal(direct.Content.Headers.LastModified, head.Content.Headers.LastModified);
    }

    [Fact]
    public async Task A_missing_file_at_the_origin_is_404()
    {
        using var response = await _gateway.Client.GetAsync("/web/missing.bin");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _nginx.Dispose();
    }
}
