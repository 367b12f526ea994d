using System.Diagnostics;
using StreamForge.Bench.Hosting;
using StreamForge.Bench.Options;
using StreamForge.Bench.Results;

namespace StreamForge.Bench.Measuring;

/// <summary>
/// f. Throttle accuracy: a gateway whose routes (file store and origin) use stream policies with
/// <c>Throttle:BytesPerSecond</c>; configured vs achieved rate of one download each. Throttling may not exist
/// yet: a gateway that refuses the setting, or a download clearly faster than configured, is reported as
/// "throttling not available" rather than failing the run.
/// </summary>
internal sealed class ThrottleBench(BenchEnvironment env, BenchResults results)
{
    /// <summary>Achieved above this multiple of the configured rate is "not throttled", not "inaccurate".</summary>
    private const double UnthrottledFactor = 1.5;

    private static readonly string[] Routes = ["file store", "origin"];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = env.Options;
        var rates = options.ThrottleRates;
        Live.Heading($"f. throttle accuracy: {string.Join(", ", rates.Select(r => ByteSizeText.FormatRate(r)))}, {DurationText.Format(options.ThrottleDuration)} each");

        var config = new GatewayConfigBuilder().Cluster("files", env.FileStoreAddress).Cluster("origin", env.OriginAddress);
        for (var i = 0; i < rates.Count; i++)
        {
            var setting = ByteSizeText.FormatRate(rates[i]).Replace(" ", string.Empty).Replace("/s", string.Empty);
            config.ThrottlePolicy($"throttle-{i}", setting)
                .Route($"files-{i}", $"/files-{i}/{{**key}}", "files", policy: $"throttle-{i}")
                .Route($"origin-{i}", $"/origin-{i}/{{**rest}}", "origin", policy: $"throttle-{i}", removePrefix: $"/origin-{i}");
        }

        ChildProcess process;
        Uri baseUri;
        try
        {
            (process, baseUri) = await env.StartGatewayAsync("gw-throttle", config);
        }
        catch (BenchException ex)
        {
            var reason = FirstThrottleProblem(ex.Message) ?? ex.Message.Split('\n')[0];
            foreach (var route in Routes)
            {
                foreach (var rate in rates)
                {
                    results.Throttle.Add(new ThrottleResult(route, rate, null, $"throttling not available: the gateway does not start with this setting ({reason})"));
                }
            }

            Live.Print("throttle", $"throttling not available: the gateway does not start with Throttle:BytesPerSecond ({reason})");
            return;
        }

        using (process)
        {
            for (var i = 0; i < rates.Count; i++)
            {
                foreach (var route in Routes)
                {
                    var prefix = route == "file store" ? $"files-{i}" : $"origin-{i}";
                    var result = await MeasureAsync(new Uri(baseUri, $"{prefix}/{env.Data.LargeName}"), route, rates[i], cancellationToken);
                    results.Throttle.Add(result);
                    Live.Print("throttle", $"{route,-10} configured {ByteSizeText.FormatRate(rates[i]),-9}: " +
                        (result.Achieved is { } achieved ? $"achieved {ByteSizeText.FormatRate(achieved)} ({achieved / rates[i]:0.00}x)" : "not measured") +
                        (result.Note is null ? string.Empty : $"  {result.Note}"));
                }
            }
        }
    }

    private async Task<ThrottleResult> MeasureAsync(Uri uri, string route, long rate, CancellationToken cancellationToken)
    {
        var duration = env.Options.ThrottleDuration;
        // The first third (at most 1 s) is left out: a token bucket may start full (a burst), which is allowed.
        var warmUp = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, duration.Ticks / 3));
        try
        {
            using var connection = await RawHttpConnection.OpenAsync(uri, receiveBufferSize: null, cancellationToken);
            var head = await connection.GetAsync(uri, range: null, cancellationToken);
            if (head.Status != 200)
            {
                return new ThrottleResult(route, rate, null, $"status {head.Status}");
            }

            var buffer = new byte[Download.BufferSize];
            var clock = Stopwatch.StartNew();
            long total = 0;
            long? atWarmUp = null;
            var warmUpSeconds = 0.0;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stop.CancelAfter(duration);
            try
            {
                int read;
                while ((read = await connection.ReadAsync(buffer, stop.Token)) > 0)
                {
                    total += read;
                    if (atWarmUp is null && clock.Elapsed >= warmUp)
                    {
                        atWarmUp = total;
                        warmUpSeconds = clock.Elapsed.TotalSeconds;
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The measuring window ended; the stream goes on and is cut here.
            }

            var elapsed = clock.Elapsed.TotalSeconds;
            var achieved = atWarmUp is { } start && elapsed - warmUpSeconds > 0.2
                ? (total - start) / (elapsed - warmUpSeconds)
                : total / elapsed;
            var note = achieved > rate * UnthrottledFactor
                ? $"throttling not available (unthrottled: {ByteSizeText.FormatRate(achieved)})"
                : null;
            return new ThrottleResult(route, rate, achieved, note);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or BenchException)
        {
            return new ThrottleResult(route, rate, null, $"failed: {ex.Message}");
        }
    }

    /// <summary>The gateway lists every configuration problem; the one about Throttle says why.</summary>
    private static string? FirstThrottleProblem(string output) =>
        output.Split('\n').Select(l => l.Trim().TrimStart('-', ' ')).FirstOrDefault(l => l.Contains("Throttle", StringComparison.Ordinal));
}
