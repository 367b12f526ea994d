using System.Globalization;
using System.Text.RegularExpressions;
using StreamForge.Bench.Results;

namespace StreamForge.Bench.Measuring;

/// <summary>Reads wrk 4.1's text report (with <c>--latency</c>): requests/s, p50/p99, errors.</summary>
internal static partial class WrkOutputParser
{
    public static WrkResult Parse(string output)
    {
        var rps = RequestsPerSecond().Match(output);
        var p50 = Percentile("50").Match(output);
        var p99 = Percentile("99").Match(output);
        if (!rps.Success || !p50.Success || !p99.Success)
        {
            throw new BenchException($"unexpected wrk output:{Environment.NewLine}{output}");
        }

        var requests = Requests().Match(output);
        var non2xx = Non2xx().Match(output);
        var socketErrors = SocketErrors().Match(output);
        return new WrkResult(
            double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture),
            Milliseconds(p50),
            Milliseconds(p99),
            requests.Success ? long.Parse(requests.Groups[1].Value) : 0,
            non2xx.Success ? long.Parse(non2xx.Groups[1].Value) : 0,
            socketErrors.Success ? socketErrors.Groups.Values.Skip(1).Sum(g => long.Parse(g.Value)) : 0);
    }

    private static Regex Percentile(string p) => new($@"^\s*{p}%\s+([0-9.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline);

    private static double Milliseconds(Match match)
    {
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            "m" => value * 60_000,
            _ => double.NaN,
        };
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
