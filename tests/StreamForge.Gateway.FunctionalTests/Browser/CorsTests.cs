using System.Net;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Browser;

/// <summary>
/// A player page on another origin can read media through the gateway: YARP's route key <c>CorsPolicy</c> names a
/// policy under <c>StreamForge:Cors</c>, on storage and origin routes alike; preflights are answered before any
/// upstream call and before write authentication; other origins get no CORS headers.
/// </summary>
public sealed class CorsTests : IAsyncLifetime
{
    private const string Player = "http://player.example:8081";

    private readonly TempFolder _folder = new("cors");
    private NginxOrigin _origin = null!;
    private GatewayHost _gateway = null!;

    public static TheoryData<string> Routes => ["/files/clip.mp4", "/origin/clip.mp4"];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder.Combine("root"));
        TestData.CreateFile(_folder.Combine("root", "clip.mp4"), 10_000, seed: 1);
        // /reflect/ is an origin with CORS of its own, as many are: it grants every Origin, with credentials.
        _origin = await NginxOrigin.StartAsync("""
            location /reflect/ {
                rewrite ^/reflect/(.*)$ /$1 break;
                add_header Access-Control-Allow-Origin $http_origin always;
                add_header Access-Control-Allow-Credentials true always;
                add_header Access-Control-Expose-Headers X-Secret always;
            }
            location /tokened/ {
                rewrite ^/tokened/(.*)$ /$1 break;
                add_header Vary X-Origin-Token always;
            }
            """);
        File.Copy(_folder.Combine("root", "clip.mp4"), Path.Combine(_origin.WebRoot, "clip.mp4"));
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("files", $"file://{_folder.Combine("root")}/")
            .Route("files", "/files/{**key}", "files", writeAccess: "Authenticated")
            .Set("ReverseProxy:Routes:files:CorsPolicy", "players")
            .Cluster("origin", _origin.Address.ToString())
            .Route("origin", "/origin/{**rest}", "origin")
            .Set("ReverseProxy:Routes:origin:CorsPolicy", "players")
            .Set("ReverseProxy:Routes:origin:Transforms:0:PathRemovePrefix", "/origin")
            .Route("closed", "/closed/{**key}", "files")
            .Set("StreamForge:Cors:players:AllowedOrigins:0", Player)
            .Set("StreamForge:Auth:ApiKeys:uploader", "0123456789abcdef0123"));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_preflight_for_a_ranged_GET_is_204_with_the_allow_headers(string path)
    {
        using var response = await PreflightAsync(path, "GET", "range, if-range");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Player, Single(response, "Access-Control-Allow-Origin"));
        var allowed = Single(response, "Access-Control-Allow-Headers");
        Assert.Contains("range", allowed, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("if-range", allowed, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("PUT", "content-type, content-md5")]
    [InlineData("PUT", "content-type, x-amz-checksum-sha256")]
    [InlineData("PUT", "x-amz-checksum-crc64nvme")]
    // tus-js-client's overridePatchMethod: PATCH as POST (the documented override).
    [InlineData("POST", "content-type, tus-resumable, upload-offset, x-http-method-override")]
    public async Task A_preflight_for_a_documented_upload_header_is_allowed_by_default(string method, string headers)
    {
        using var response = await PreflightAsync("/files/upload.mp4", method, headers);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var allowed = Single(response, "Access-Control-Allow-Headers").Split(',', StringSplitOptions.TrimEntries);
        foreach (var header in headers.Split(',', StringSplitOptions.TrimEntries))
        {
            Assert.Contains(header, allowed, StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_preflight_for_an_authenticated_PUT_is_answered_before_authentication()
    {
        using var response = await PreflightAsync("/files/upload.mp4", "PUT", "content-type, x-api-key");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Contains("PUT", Single(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_ranged_GET_from_the_player_exposes_what_a_player_reads(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Origin", Player);
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 99);
        using var response = await _gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(Player, Single(response, "Access-Control-Allow-Origin"));
        var exposed = Single(response, "Access-Control-Expose-Headers");
        Assert.Contains("Content-Range", exposed, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Content-Length", exposed, StringComparison.OrdinalIgnoreCase);
        // Not CORS-safelisted: without it a player cannot read how long a 429 or 503 asks it to wait.
        Assert.Contains("Retry-After", exposed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Errors_carry_the_CORS_headers_so_the_page_can_read_them()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/files/missing.mp4");
        request.Headers.Add("Origin", Player);
        using var response = await _gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(Player, Single(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_refused_request_target_carries_the_CORS_headers_too()
    {
        var (status, response) = await RawHttp.SendAsync(_gateway.Address, $"GET /files/a%2Fb.mp4 HTTP/1.1\nHost: x\nOrigin: {Player}\n\n");

        Assert.Equal(400, status);
        Assert.Contains("invalid_path", response, StringComparison.Ordinal);
        Assert.Contains($"Access-Control-Allow-Origin: {Player}", response, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/files/clip.mp4", "http://evil.example")]
    [InlineData("/closed/clip.mp4", Player)]
    public async Task Other_origins_and_routes_without_a_policy_get_no_CORS_headers(string path, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Origin", origin);
        using var response = await _gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("/files/clip.mp4", null)]  // a plain <video> without crossorigin
    [InlineData("/files/clip.mp4", "http://evil.example")]
    [InlineData("/files/missing.mp4", Player)]
    [InlineData("/origin/clip.mp4", null)]
    [InlineData("/origin/tokened/clip.mp4", Player)] // The origin varies by a field whose name contains "Origin": not Origin.
    public async Task Every_answer_on_a_CORS_route_varies_by_Origin_so_no_cache_replays_it_to_another_page(string path, string? origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        using var response = await _gateway.Client.SendAsync(request);

        Assert.Single(response.Headers.Vary, value => value.Equals("Origin", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData(Player)]
    public async Task Only_the_routes_policy_grants_access_whatever_CORS_headers_the_origin_sends(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/origin/reflect/clip.mp4");
        request.Headers.Add("Origin", origin);
        using var response = await _gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials")); // The policy allows no credentials.
        var exposed = response.Headers.TryGetValues("Access-Control-Expose-Headers", out var values) ? string.Join(",", values) : string.Empty;
        Assert.DoesNotContain("X-Secret", exposed, StringComparison.Ordinal);
        if (origin == Player)
        {
            Assert.Equal(Player, Single(response, "Access-Control-Allow-Origin"));
        }
        else
        {
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        }
    }

    [Fact]
    public async Task A_route_without_a_policy_does_not_vary_by_Origin()
    {
        using var response = await _gateway.Client.GetAsync("/closed/clip.mp4");

        Assert.DoesNotContain("Origin", response.Headers.Vary);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _origin.Dispose();
        _folder.Dispose();
    }

    private async Task<HttpResponseMessage> PreflightAsync(string path, string method, string headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", Player);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return await _gateway.Client.SendAsync(request);
    }

    private static string Single(HttpResponseMessage response, string header) =>
        Assert.Single(response.Headers.TryGetValues(header, out var values) ? values : []);
}
