using System.Net;
using System.Net.Http.Json;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Security;

/// <summary>
/// A Loopback write route trusts the machine, not every page open in its browser: a page of another origin can send a
/// form POST without a preflight, from 127.0.0.1. Such writes count only from the gateway's own origin or one the
/// route's CORS policy allows (cross-site request forgery).
/// </summary>
public sealed class CrossSiteWriteTests : IAsyncLifetime
{
    private const string Player = "http://player.example:8081";

    private readonly TempFolder _folder = new("cross-site");
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("files", $"file://{_folder.Path}/")
            .Route("local", "/local/{**key}", "files", writeAccess: "Loopback")
            .Route("players", "/players/{**key}", "files", writeAccess: "Loopback")
            .Set("ReverseProxy:Routes:players:CorsPolicy", "players")
            .Set("StreamForge:Cors:players:AllowedOrigins:0", Player));
    }

    [Theory]
    [InlineData("/local/a.bin", "http://evil.example")]
    [InlineData("/players/b.bin", "http://evil.example")]
    [InlineData("/local/c.bin", "null")] // A sandboxed frame or a file: page.
    public async Task A_page_of_another_origin_cannot_write_through_a_loopback_route(string path, string origin)
    {
        using var response = await PostFormAsync(path, origin);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("writes_forbidden", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        Assert.False(File.Exists(_folder.Combine(Path.GetFileName(path))));
    }

    [Theory]
    [InlineData("/local/d.bin", null)]          // curl, an SDK: no page involved
    [InlineData("/local/e.bin", "gateway")]     // the gateway's own pages
    [InlineData("/players/f.bin", Player)]      // a page the route's CORS policy allows
    public async Task Local_clients_the_gateways_own_pages_and_allowed_pages_still_write(string path, string? origin)
    {
        using var response = await PostFormAsync(path, origin == "gateway" ? _gateway.Address.GetLeftPart(UriPartial.Authority) : origin);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(File.Exists(_folder.Combine(Path.GetFileName(path))));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _folder.Dispose();
    }

    private Task<HttpResponseMessage> PostFormAsync(string path, string? origin)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "x.bin" } };
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return _gateway.Client.SendAsync(request);
    }
}
