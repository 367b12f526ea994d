using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using StreamForge.Gateway.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace StreamForge.Gateway.FunctionalTests.Security;

/// <summary>
/// <c>/metrics</c> answers loopback clients only unless configured: the gateway listens on this machine's
/// non-loopback address too, and a client connecting to that address is not a loopback client.
/// </summary>
public sealed class AdminSurfaceTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new("admin");

    [Fact]
    public async Task Metrics_refuse_a_non_loopback_client_by_default_and_health_stays_open()
    {
        var address = NonLoopbackAddress();
        if (address is null)
        {
            output.WriteLine("this machine has no non-loopback IPv4 address; only the loopback half is checked");
        }

        await using var gateway = await StartAsync(address, allowedNetwork: null);
        using var loopback = await gateway.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, loopback.StatusCode);
        if (address is null)
        {
            return;
        }

        using var remote = new HttpClient { BaseAddress = RemoteUri(gateway, address) };
        using var metrics = await remote.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Forbidden, metrics.StatusCode);
        Assert.Contains("admin_forbidden", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var health = await remote.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Metrics_admit_a_client_from_a_configured_network()
    {
        if (NonLoopbackAddress() is not { } address)
        {
            output.WriteLine("this machine has no non-loopback IPv4 address; nothing to check");
            return;
        }

        await using var gateway = await StartAsync(address, allowedNetwork: $"{address}/32");
        using var remote = new HttpClient { BaseAddress = RemoteUri(gateway, address) };
        using var metrics = await remote.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("# TYPE", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();

    private async Task<GatewayHost> StartAsync(IPAddress? address, string? allowedNetwork)
    {
        var config = new GatewayConfig()
            .Cluster("files", $"file://{_folder.Path}/")
            .Route("files", "/files/{**key}", "files");
        if (allowedNetwork is not null)
        {
            config.Set("StreamForge:Admin:AllowedNetworks:0", allowedNetwork);
        }

        // Both addresses on one port, so the loopback client and the remote one reach the same gateway.
        var port = FreePort.Next();
        var urls = address is null ? $"http://127.0.0.1:{port}" : $"http://127.0.0.1:{port};http://{address}:{port}";
        return await GatewayHost.StartAsync(config, urls);
    }

    private static Uri RemoteUri(GatewayHost gateway, IPAddress address) => new($"http://{address}:{gateway.Address.Port}");

    private static IPAddress? NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(nic => nic.OperationalStatus == OperationalStatus.Up && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .FirstOrDefault(ip => ip.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(ip));
}
