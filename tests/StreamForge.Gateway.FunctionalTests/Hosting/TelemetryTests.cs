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

    [Fact]
    public async Task Label_combinations_beyond_the_cardinality_limit_are_counted_in_the_overflow_series()
    {
        using var folder = new TempFolder("telemetry-limit");
        await File.WriteAllBytesAsync(Path.Combine(folder.Path, "a.bin"), new byte[100]);
        var config = new GatewayConfig()
            .Cluster("files", $"file://{folder.Path}/")
            .Set("StreamForge:Metrics:CardinalityLimit", "16");
        const int Routes = 24;
        for (var i = 0; i < Routes; i++)
        {
            config.Route($"r{i}", $"/r{i}/{{**key}}", "files");
        }

        await using var gateway = await GatewayHost.StartAsync(config);
        for (var i = 0; i < Routes; i++)
        {
            using var response = await gateway.Client.GetAsync($"/r{i}/a.bin");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

        // Every byte is still counted: the routes past the limit land in the overflow series.
        await GatewayMetricsScrape.WaitForAsync(gateway, "streamforge_bytes_sent_bytes_total", "otel_metric_overflow=\"true\"");
        var lines = (await GatewayMetricsScrape.ReadAsync(gateway)).Split('\n')
            .Where(line => line.StartsWith("streamforge_bytes_sent_bytes_total{", StringComparison.Ordinal)).ToList();
        Assert.Equal(16 + 1, lines.Count); // the 16 kept, and the overflow series
        Assert.Equal(Routes * 100, lines.Sum(line => long.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
    }
}
