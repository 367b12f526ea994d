using System.Globalization;

namespace StreamForge.Bench.Measuring;

/// <summary>
/// The gateway's own cache counters from <c>/metrics</c> (Prometheus text, loopback is allowed):
/// <c>streamforge_cache_upstream_bytes_total{route}</c> and <c>streamforge_cache_requests_total{route,status}</c>.
/// A cross-check of the upstream's log, shown beside it; null when the gateway exports neither.
/// </summary>
internal static class GatewayCacheMetrics
{
    private const string UpstreamBytes = "streamforge_cache_upstream_bytes";
    private const string Requests = "streamforge_cache_requests";

    public static async Task<GatewayCacheCounters?> ScrapeAsync(Uri baseUri, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var text = await client.GetStringAsync(new Uri(baseUri, "metrics"), cancellationToken);
            return Parse(text);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public static GatewayCacheCounters? Parse(string text)
    {
        double? upstream = null;
        var requests = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || line.LastIndexOf(' ') is var space && space <= 0 ||
                !double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            if (line.StartsWith(UpstreamBytes, StringComparison.Ordinal))
            {
                upstream = (upstream ?? 0) + value;
            }
            else if (line.StartsWith(Requests, StringComparison.Ordinal))
            {
                var status = Label(line, "status") ?? "?";
                requests[status] = requests.GetValueOrDefault(status) + value;
            }
        }

        return upstream is null && requests.Count == 0 ? null : new GatewayCacheCounters(upstream, requests);
    }

    private static string? Label(string line, string name)
    {
        var start = line.IndexOf($"{name}=\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += name.Length + 2;
        var end = line.IndexOf('"', start);
        return end < 0 ? null : line[start..end];
    }
}

/// <param name="UpstreamBytes">Sum over routes of bytes fetched upstream into the cache, since the gateway started.</param>
/// <param name="Requests">Requests by cache status, summed over routes, since the gateway started.</param>
internal sealed record GatewayCacheCounters(double? UpstreamBytes, IReadOnlyDictionary<string, double> Requests);
