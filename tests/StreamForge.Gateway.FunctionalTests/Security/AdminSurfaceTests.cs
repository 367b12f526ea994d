using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using StreamForge.Gateway.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace StreamForge.Gateway.FunctionalTests.Security;

/// <summary>
/// The admin surface (<c>/metrics</c> and everything under <c>/_streamforge/</c>) answers loopback clients only unless
/// configured: the gateway listens on this machine's non-loopback address too, and a client connecting to that
/// address is not a loopback client.
/// </summary>
public sealed class AdminSurfaceTests(ITestOutputHelper output) : IDisposable
{
    private const string ApiKey = "operator-key-0123456789";
    private static readonly string[] AdminPaths = ["/metrics", "/_streamforge/status", "/_streamforge/status.json", "/_streamforge/not-yet-there"];
    private readonly TempFolder _folder = new("admin");

    [Fact]
    public async Task The_admin_surface_refuses_a_non_loopback_client_by_default_and_health_stays_open()
    {
        var address = NonLoopbackAddress();
        if (address is null)
        {
            output.WriteLine("this machine has no non-loopback IPv4 address; only the loopback half is checked");
        }

        await using var gateway = await StartAsync(address, allowedNetwork: null);
        using var loopback = await gateway.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, loopback.StatusCode);

        using var status = await gateway.Client.GetAsync("/_streamforge/status.json");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        if (address is null)
        {
            return;
        }

        using var remote = new HttpClient { BaseAddress = RemoteUri(gateway, address) };
        foreach (var path in AdminPaths)
        {
            using var refused = await remote.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("admin_forbidden", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var health = await remote.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task The_admin_surface_admits_a_client_from_a_configured_network()
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
        using var status = await remote.GetAsync("/_streamforge/status");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal("text/html", status.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_admin_surface_admits_an_authenticated_client_when_configured()
    {
        if (NonLoopbackAddress() is not { } address)
        {
            output.WriteLine("this machine has no non-loopback IPv4 address; nothing to check");
            return;
        }

        await using var gateway = await StartAsync(address, allowedNetwork: null, allowAuthenticated: true);
        using var remote = new HttpClient { BaseAddress = RemoteUri(gateway, address) };
        foreach (var path in AdminPaths[..3])
        {
            using var anonymous = await remote.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
            using var wrongKey = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { "X-Api-Key", "not-the-key-0123456789" } } };
            using var refused = await remote.SendAsync(wrongKey);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            using var withKey = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { "X-Api-Key", ApiKey } } };
            using var admitted = await remote.SendAsync(withKey);
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }
    }

    public void Dispose() => _folder.Dispose();

    private async Task<GatewayHost> StartAsync(IPAddress? address, string? allowedNetwork, bool allowAuthenticated = false)
    {
        var config = new GatewayConfig()
            .Cluster("files", $"file://{_folder.Path}/")
            .Route("files", "/files/{**key}", "files");
        if (allowedNetwork is not null)
        {
            config.Set("StreamForge:Admin:AllowedNetworks:0", allowedNetwork);
        }

        if (allowAuthenticated)
        {
            config.Set("StreamForge:Admin:AllowAuthenticated", "true").Set("StreamForge:Auth:ApiKeys:operator", ApiKey);
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
