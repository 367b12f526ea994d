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
    public async Task Request_and_upstream_durations_are_recorded_with_the_conventions_labels()
    {
        await using var origin = await FaultOrigin.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("origin", origin.Address.ToString())
            .Route("proxied", "/proxied/{**rest}", "origin")
            .Set("ReverseProxy:Routes:proxied:Transforms:0:PathRemovePrefix", "/proxied"));

        using (var response = await gateway.Client.GetAsync("/proxied/counted/1"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(1024 * 1024, (await response.Content.ReadAsByteArrayAsync()).Length);
        }

        await GatewayMetricsScrape.WaitForAsync(gateway, "streamforge_upstream_duration_seconds_count{", "route=\"proxied\"", "} 1");

        using (var response = await gateway.Client.SendAsync(new HttpRequestMessage(new HttpMethod("BREW"), "/proxied/counted/1")))
        {
        }

        await GatewayMetricsScrape.WaitForAsync(gateway, "http_server_request_duration_seconds_count{", "http_request_method=\"GET\"",
            "http_response_status_code=\"200\"", "http_route=\"/proxied/{**rest}\"", "network_protocol_version=\"1.1\"", "url_scheme=\"http\"", "} 1");
        // A method nobody defined is counted, under the conventions' catch-all: clients cannot mint series.
        await GatewayMetricsScrape.WaitForAsync(gateway, "http_server_request_duration_seconds_count{", "http_request_method=\"_OTHER\"", "} 1");
        // Both requests have ended (the scrape itself is the one in flight).
        await GatewayMetricsScrape.WaitForAsync(gateway, "http_server_active_requests{", "http_request_method=\"_OTHER\"", "} 0");
    }

    [Fact]
    public async Task A_server_error_is_labelled_with_its_status_as_the_error_type()
    {
        await using var gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("gone", $"http://127.0.0.1:{FreePort.Next()}/")
            .Route("gone", "/gone/{**rest}", "gone"));

        using (var response = await gateway.Client.GetAsync("/gone/a.bin"))
        {
            Assert.Equal(System.Net.HttpStatusCode.BadGateway, response.StatusCode);
        }

        await GatewayMetricsScrape.WaitForAsync(gateway, "http_server_request_duration_seconds_count{", "http_response_status_code=\"502\"",
            "error_type=\"502\"", "http_route=\"/gone/{**rest}\"", "} 1");
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
