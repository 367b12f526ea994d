using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.Tests.Security;

public sealed class AdminAccessTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.2", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("192.0.2.10", false)]
    [InlineData("10.1.2.3", false)]
    public void By_default_only_loopback_clients_are_admitted(string client, bool admitted) =>
        Assert.Equal(admitted, AdminAccess.LoopbackOnly.Allows(IPAddress.Parse(client)));

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("::ffff:10.1.2.3", true)]
    [InlineData("11.0.0.1", false)]
    [InlineData("127.0.0.1", true)]
    public void Configured_networks_are_admitted_as_well(string client, bool admitted) =>
        Assert.Equal(admitted, new AdminAccess([IPNetwork.Parse("10.0.0.0/8")]).Allows(IPAddress.Parse(client)));

    [Fact]
    public void A_connection_without_an_address_is_refused() => Assert.False(AdminAccess.LoopbackOnly.Allows(null));

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(false, true, false)]
    [InlineData(true, false, false)]
    [InlineData(true, true, true)]
    public async Task A_remote_client_with_the_gateways_key_is_admitted_only_when_configured(bool allowAuthenticated, bool sendsKey, bool admitted)
    {
        await using var services = GatewayAuthentication();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.10");
        if (sendsKey)
        {
            context.Request.Headers["X-Api-Key"] = OperatorKey;
        }

        Assert.Equal(admitted, await new AdminAccess([], allowAuthenticated).AdmitsAsync(context));
    }

    [Fact]
    public async Task A_client_its_address_admits_is_not_authenticated()
    {
        // No authentication services at all: asking for them would throw.
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        context.Connection.RemoteIpAddress = IPAddress.Loopback;

        Assert.True(await new AdminAccess([], AllowAuthenticated: true).AdmitsAsync(context));
    }

    private const string OperatorKey = "operator-key-0123456789";

    /// <summary>The gateway's own schemes, as the gateway registers them (the API key handler, no JWT).</summary>
    private static ServiceProvider GatewayAuthentication()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.AddGatewayAuthentication(new AuthSettings(
            new Dictionary<string, string> { ["operator"] = OperatorKey }, "X-Api-Key", null, null, null, null));
        return builder.Services.BuildServiceProvider();
    }
}
