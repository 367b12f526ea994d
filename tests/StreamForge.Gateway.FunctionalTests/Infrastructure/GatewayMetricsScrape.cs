namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>Reads the gateway's Prometheus endpoint, the way an operator's scraper would.</summary>
internal static class GatewayMetricsScrape
{
    public static async Task<string> ReadAsync(GatewayHost gateway) =>
        await gateway.Client.GetStringAsync("/metrics");

    /// <summary>Waits until a metric line containing every fragment appears (the exporter caches scrapes briefly).</summary>
    public static async Task WaitForAsync(GatewayHost gateway, params string[] fragments)
    {
        string text = string.Empty;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            text = await ReadAsync(gateway);
            if (text.Split('\n').Any(line => fragments.All(f => line.Contains(f, StringComparison.Ordinal))))
            {
                return;
            }

            await Task.Delay(50);
        }

        var ours = string.Join("\n", text.Split('\n').Where(l => l.StartsWith("streamforge", StringComparison.Ordinal)));
        Assert.Fail($"no metric line with {string.Join(", ", fragments)} in:\n{ours}");
    }
}
