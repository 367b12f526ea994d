using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
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
    public void An_authenticated_remote_client_is_admitted_only_when_configured(bool allowAuthenticated, bool authenticated, bool admitted)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.10");
        context.User = new ClaimsPrincipal(authenticated ? new ClaimsIdentity([new Claim("sub", "ops")], "ApiKey") : new ClaimsIdentity());

        Assert.Equal(admitted, new AdminAccess([], allowAuthenticated).Admits(context));
    }
}
