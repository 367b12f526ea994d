using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using StreamForge.Gateway.FunctionalTests.Infrastructure;
using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.FunctionalTests.Security;

/// <summary>Routes with WriteAccess Authenticated take writes with an API key or a JWT bearer token, and only then.</summary>
public sealed class WriteAuthenticationTests : IAsyncLifetime
{
    private const string ApiKey = "test-key-0123456789abcdef";
    private static readonly byte[] SigningKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private readonly TempFolder _folder = new("auth");
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("files", $"file://{_folder.Path}/")
            .Route("private", "/private/{**key}", "files", writeAccess: "Authenticated")
            .Route("guarded", "/guarded/{**key}", "files")
            .Set("ReverseProxy:Routes:guarded:AuthorizationPolicy", "default")
            .Set("StreamForge:Auth:ApiKeys:uploader", ApiKey)
            .Set("StreamForge:Auth:Jwt:SigningKey", Convert.ToBase64String(SigningKey))
            .Set("StreamForge:Auth:Jwt:Issuer", "https://issuer.test/")
            .Set("StreamForge:Auth:Jwt:Audience", "streamforge"));
    }

    [Fact]
    public async Task A_write_without_credentials_gets_401_with_a_code_and_stores_nothing()
    {
        using var response = await _gateway.Client.PutAsync("/private/a.bin", new ByteArrayContent([1, 2, 3]));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("authentication_required", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        Assert.False(File.Exists(Path.Combine(_folder.Path, "a.bin")));
    }

    [Theory]
    [InlineData("X-Api-Key", "wrong-key-0123456789abcdef")]
    [InlineData("Authorization", "Bearer not-a-token")]
    public async Task Wrong_credentials_get_401(string header, string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "/private/b.bin") { Content = new ByteArrayContent([1]) };
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await _gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_api_key_authorizes_the_write()
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "/private/by-key.bin") { Content = new ByteArrayContent([1, 2, 3]) };
        request.Headers.Add("X-Api-Key", ApiKey);

        using var response = await _gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(_folder.Path, "by-key.bin")));
    }

    [Theory]
    [InlineData("streamforge", true)]
    [InlineData("someone-else", false)]
    public async Task A_jwt_for_this_audience_authorizes_the_write(string audience, bool accepted)
    {
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://issuer.test/",
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", "encoder-7")]),
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(SigningKey), SecurityAlgorithms.HmacSha256),
        });
        var request = new HttpRequestMessage(HttpMethod.Put, $"/private/jwt-{audience}.bin") { Content = new ByteArrayContent([7]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await _gateway.Client.SendAsync(request);

        Assert.Equal(accepted ? HttpStatusCode.Created : HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Reads_need_no_credentials()
    {
        File.WriteAllText(Path.Combine(_folder.Path, "public.txt"), "hi");

        Assert.Equal("hi", await _gateway.Client.GetStringAsync("/private/public.txt"));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong-key-0123456789abcdef", HttpStatusCode.Unauthorized)]
    [InlineData(ApiKey, HttpStatusCode.OK)]
    public async Task A_routes_default_authorization_policy_authenticates_with_the_gateways_credentials(string? key, HttpStatusCode expected)
    {
        // YARP's AuthorizationPolicy "default": ASP.NET Core's default policy, which names the gateway's scheme
        // (Security/AuthenticationExtensions.cs), since no request is authenticated unless something asks.
        File.WriteAllText(Path.Combine(_folder.Path, "members.txt"), "members only");
        var request = new HttpRequestMessage(HttpMethod.Get, "/guarded/members.txt");
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        using var response = await _gateway.Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal("members only", await response.Content.ReadAsStringAsync());
        }
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _folder.Dispose();
    }
}
