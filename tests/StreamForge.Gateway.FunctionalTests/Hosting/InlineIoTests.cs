using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StreamForge.Gateway.FunctionalTests.Infrastructure;
using StreamForge.Gateway.Hosting;

namespace StreamForge.Gateway.FunctionalTests.Hosting;

/// <summary>Kestrel's scheduling follows the same variable as the runtime's socket completions.</summary>
public sealed class InlineIoTests
{
    [Fact]
    public async Task Kestrel_runs_requests_inline_exactly_when_the_sockets_complete_inline()
    {
        await using var gateway = await GatewayHost.StartAsync(new GatewayConfig());

        var sockets = gateway.App.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;

        Assert.Equal(InlineIo.IsOn(Environment.GetEnvironmentVariable(InlineIo.Variable)), sockets.UnsafePreferInlineScheduling);
        var health = await gateway.Client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }
}
