using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Hosting;

/// <summary>The gateway's own metrics reach the Prometheus scrape endpoint, by route.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task Bytes_sent_and_received_are_counted_per_route()
    {
        using var folder = new TempFolder("telemetry");
        await using var gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("files", $"file://{folder.Path}/")
            .Route("clips", "/clips/{**key}", "files", writeAccess: "Loopback"));

        using (await gateway.Client.PutAsync("/clips/a.bin", new ByteArrayContent(new byte[12345])))
        {
        }

        using (await gateway.Client.GetAsync("/clips/a.bin"))
        {
        }

        await GatewayMetricsScrape.WaitForAsync(gateway, "streamforge_bytes_sent_bytes_total", "route=\"clips\"", "} 12345");
        await GatewayMetricsScrape.WaitForAsync(gateway, "streamforge_bytes_received_bytes_total", "route=\"clips\"", "} 12345");
    }
}
