using System.Net;
using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.Tests.Security;

public sealed class WriteAccessGuardTests
{
    [Theory]
    [InlineData("None", "127.0.0.1", false)]
    [InlineData("Loopback", "127.0.0.1", true)]
    [InlineData("Loopback", "::1", true)]
    [InlineData("Loopback", "::ffff:127.0.0.1", true)]
    [InlineData("Loopback", "192.0.2.10", false)]
    [InlineData("Loopback", "::ffff:192.0.2.10", false)]
    [InlineData("Anonymous", "192.0.2.10", true)]
    public void Allows_writes_only_as_the_route_says(string access, string remote, bool allowed)
    {
        Assert.Equal(allowed, WriteAccessGuard.IsAllowed(Enum.Parse<WriteAccess>(access), IPAddress.Parse(remote)));
    }
}
