using System.Text;
using StreamForge.Bench.Hosting;
using StreamForge.Bench.Options;

namespace StreamForge.Bench.Report;

internal static class SmallObjectSection
{
    public static void Write(StringBuilder md, ReportData data, BenchOptions options)
    {
        md.AppendLine("## b. Small objects").AppendLine();
        md.AppendLine($"wrk -t{options.WrkThreads} -c{options.WrkConnections} -d{DurationText.Format(options.WrkDuration).Replace(" ", string.Empty)} --latency, " +
            $"after a warm-up per contender ({DurationText.Format(options.SmallWarmup)} of wrk on the first size, 1 s on the others); medians over {options.SmallRounds} rounds. wrk shares the 2 cores with the contender (and the origin behind it). " +
            $"Target for the gateway: at least {Targets.SmallRpsVsBareYarp:0.0}x bare YARP's requests/s, p99 at most {Targets.SmallP99OverDirectMs:0} ms above direct.").AppendLine();
        md.AppendLine("![small objects: requests per second](small-objects.png)").AppendLine();
        md.AppendLine("![small objects: p99 latency](small-objects-p99.png)").AppendLine();
        foreach (var size in data.SmallSizes)
        {
            md.AppendLine($"**{ByteSizeText.Format(size)}**").AppendLine();
            var table = new MarkdownTable("contender", "req/s", "x bare YARP", "p50 ms", "p99 ms", "p99 - direct", "target");
            var direct = data.Small(ContenderKeys.Direct, size);
            var yarp = data.Small(ContenderKeys.BareYarp, size);
            foreach (var (key, name) in data.Contenders)
            {
                var (rps, p50, p99, error) = data.Small(key, size);
                var target = ContenderKeys.IsJudgedAgainstFileOrigin(key) ? Check(rps, p99, yarp.Rps, direct.P99) : string.Empty;
                table.Row(name + (error is null ? string.Empty : $" ({error})"), Format.Number(rps, "0"), Format.Ratio(rps, yarp.Rps),
                    Format.Number(p50), Format.Number(p99), double.IsFinite(p99 - direct.P99) ? $"{p99 - direct.P99:+0.00;-0.00;+0.00} ms" : Format.Missing, target);
            }

            table.WriteTo(md);
        }
    }

    public static string Check(double rps, double p99, double yarpRps, double directP99) =>
        $"req/s {Format.Check(Targets.AtLeast(rps, yarpRps, Targets.SmallRpsVsBareYarp))}, " +
        $"p99 {Format.Check(Targets.AtMost(p99, directP99 + Targets.SmallP99OverDirectMs))}";
}
