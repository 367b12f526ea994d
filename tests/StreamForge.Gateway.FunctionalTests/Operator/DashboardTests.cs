using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Operator;

/// <summary>
/// deploy/grafana/streamforge-dashboard.json parses, and every metric its PromQL queries is in the <c>/metrics</c>
/// output of a running gateway after ordinary traffic (downloads, a range, an upload, a refusal, an abort).
/// </summary>
public sealed partial class DashboardTests : IAsyncLifetime
{
    private static readonly HashSet<string> PromQlWords = new(StringComparer.Ordinal)
    {
        "sum", "avg", "min", "max", "count", "topk", "bottomk", "rate", "irate", "increase", "histogram_quantile",
        "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset", "clamp_min", "clamp_max",
    };

    private readonly TempFolder _folder = new("dashboard");
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        TestData.CreateFile(_folder.Combine("clip.mp4"), 3 * TestData.MiB);
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("store", $"file://{_folder.Path}/")
            .Route("files", "/files/{**key}", "store", writeAccess: "Loopback")
            .Route("slow", "/slow/{**key}", "store", policy: "paced")
            .Route("cached", "/cached/{**key}", "store", policy: "edge")
            .Set("StreamForge:Cache:Directory", _folder.Combine("cache"))
            .Set("StreamForge:StreamPolicies:edge:Cache:Enabled", "true")
            .Set("StreamForge:StreamPolicies:paced:Throttle:BytesPerSecond", "1MiB"));
    }

    [Fact]
    public async Task Every_metric_the_dashboard_queries_exists_on_a_running_gateway()
    {
        var expressions = DashboardExpressions();
        Assert.NotEmpty(expressions);
        var queried = expressions.SelectMany(MetricNames).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("streamforge_bytes_sent_bytes_total", queried);

        await MakeTrafficAsync();
        var missing = queried.ToList();
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                var exposed = ExposedNames(await _gateway.Client.GetStringAsync("/metrics"));
                missing = [.. queried.Where(name => !exposed.Contains(name))];
                return missing.Count == 0;
            }, "every queried metric to be exposed", timeoutSeconds: 30);
        }
        catch (Xunit.Sdk.FailException)
        {
            // Fall through: the assertion below names what is missing.
        }

        Assert.Empty(missing);
    }

    [Fact]
    public async Task Every_label_the_dashboard_filters_or_groups_by_exists_on_a_running_gateway_or_is_Prometheus_own()
    {
        var used = DashboardExpressions().SelectMany(LabelNames).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("route", used);

        await MakeTrafficAsync();
        var exposed = ExposedLabels(await _gateway.Client.GetStringAsync("/metrics"));
        // job and instance are the target labels Prometheus adds to every series it scrapes.
        exposed.UnionWith(["job", "instance"]);
        // The dashboard filtered on streamforge_instance, a label no series had (the exporter names it otel_scope_...).
        var unknown = used.Except(exposed).ToList();
        Assert.True(unknown.Count == 0, $"labels no series has: {string.Join(", ", unknown)}");
    }

    [Theory]
    [InlineData("sum by (route) (rate(streamforge_bytes_sent_bytes_total{streamforge_instance=~\"$instance\"}[$__rate_interval]))", "streamforge_bytes_sent_bytes_total")]
    [InlineData("histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket{job=~\"$job\"}[5m])))", "http_server_request_duration_seconds_bucket")]
    [InlineData("sum by (route, direction) (streamforge_streams_active)", "streamforge_streams_active")]
    public void Metric_names_are_read_from_PromQL(string expression, string metric) =>
        Assert.Equal([metric], MetricNames(expression));

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _folder.Dispose();
    }

    private async Task MakeTrafficAsync()
    {
        (await _gateway.Client.GetAsync("/files/clip.mp4")).Dispose();
        // A miss then a hit on the caching route: cache requests, bytes from both sources, upstream bytes, size.
        (await _gateway.Client.GetAsync("/cached/clip.mp4")).Dispose();
        (await _gateway.Client.GetAsync("/cached/clip.mp4")).Dispose();
        using var ranged = new HttpRequestMessage(HttpMethod.Get, "/files/clip.mp4") { Headers = { Range = new RangeHeaderValue(0, 99) } };
        (await _gateway.Client.SendAsync(ranged)).Dispose();
        using var missing = await _gateway.Client.GetAsync("/files/missing.mp4");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var put = await _gateway.Client.PutAsync("/files/up.bin", new StreamContent(new GeneratedBody(100_000)));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        // Paced past its burst, then abandoned: throttle waits and an aborted stream.
        using (var slow = await _gateway.Client.GetAsync("/slow/clip.mp4", HttpCompletionOption.ResponseHeadersRead))
        {
            await using var body = await slow.Content.ReadAsStreamAsync();
            await body.ReadExactlyAsync(new byte[(int)(1.5 * TestData.MiB)]);
        }
    }

    private static List<string> DashboardExpressions()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "grafana", "streamforge-dashboard.json")));
        Assert.Equal("StreamForge Gateway", dashboard.RootElement.GetProperty("title").GetString());
        return [.. dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
            .Select(target => target.GetProperty("expr").GetString()!)];
    }

    /// <summary>Identifiers left once label matchers, durations, grouping labels, numbers and PromQL's own words are removed.</summary>
    private static List<string> MetricNames(string expression)
    {
        var bare = Matchers().Replace(expression, " ");
        bare = Durations().Replace(bare, " ");
        bare = Grouping().Replace(bare, " ");
        return [.. Identifiers().Matches(bare).Select(m => m.Value).Where(word => !PromQlWords.Contains(word)).Distinct()];
    }

    /// <summary>Label names in the selectors' matchers and in the grouping clauses of a PromQL expression.</summary>
    private static IEnumerable<string> LabelNames(string expression) =>
        Matchers().Matches(expression).SelectMany(m => MatcherLabels().Matches(m.Value).Select(label => label.Groups[1].Value))
            .Concat(Grouping().Matches(expression).SelectMany(m => Identifiers().Matches(m.Value[(m.Value.IndexOf('(') + 1)..]).Select(label => label.Value)));

    /// <summary>Label names on the sample lines of Prometheus text format.</summary>
    private static HashSet<string> ExposedLabels(string text) =>
        text.Split('\n').Where(line => line.Length > 0 && line[0] != '#' && line.Contains('{'))
            .SelectMany(line => MatcherLabels().Matches(line[line.IndexOf('{')..]).Select(label => label.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Metric names in Prometheus text format: the first word of each sample line.</summary>
    private static HashSet<string> ExposedNames(string text) =>
        text.Split('\n').Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line.Split('{', ' ')[0]).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*""")]
    private static partial Regex MatcherLabels();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Durations();

    [GeneratedRegex(@"\b(by|without|on|ignoring)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifiers();
}
