using System.Text;
using StreamForge.Bench.Hosting;

namespace StreamForge.Bench.Report;

/// <summary>One table: each target against each gateway contender, with the figures that decide it.</summary>
internal static class SummarySection
{
    public static void Write(StringBuilder md, ReportData data)
    {
        var gateways = data.Contenders.Where(c => ContenderKeys.IsGateway(c.Key)).ToArray();
        if (gateways.Length == 0 && !data.HasCache)
        {
            return;
        }

        md.AppendLine("## Summary against the targets").AppendLine();
        md.AppendLine("Targets are shown, not asserted. Each cell: the gateway's figure as a ratio (or value), then whether it meets the target. " +
            "The S3 route's download and small-object figures are shown against the nginx origin's contenders without a verdict: they " +
            "read from s3rver, whose own speed sets them, so their targets are against the S3 server itself (\"S3 route against the S3 server itself\" below).").AppendLine();
        var table = new MarkdownTable(["target", .. gateways.Select(g => g.Name)]);

        foreach (var streams in data.DownloadStreams)
        {
            var tuned = data.Download(ContenderKeys.NginxTuned, streams);
            var yarp = data.Download(ContenderKeys.BareYarp, streams);
            table.Row([$"large downloads, {streams} stream(s): >= {Targets.DownloadVsTunedNginx:0.0}x tuned nginx",
                .. gateways.Select(g => JudgedCell(g.Key, Format.Ratio(data.Download(g.Key, streams), tuned), Targets.AtLeast(data.Download(g.Key, streams), tuned, Targets.DownloadVsTunedNginx)))]);
            table.Row([$"large downloads, {streams} stream(s): >= {Targets.DownloadVsBareYarp:0.0}x bare YARP",
                .. gateways.Select(g => JudgedCell(g.Key, Format.Ratio(data.Download(g.Key, streams), yarp), Targets.AtLeast(data.Download(g.Key, streams), yarp, Targets.DownloadVsBareYarp)))]);
        }

        foreach (var size in data.SmallSizes)
        {
            var yarp = data.Small(ContenderKeys.BareYarp, size);
            var direct = data.Small(ContenderKeys.Direct, size);
            var label = Options.ByteSizeText.Format(size);
            table.Row([$"small {label}: req/s >= {Targets.SmallRpsVsBareYarp:0.0}x bare YARP",
                .. gateways.Select(g => JudgedCell(g.Key, Format.Ratio(data.Small(g.Key, size).Rps, yarp.Rps), Targets.AtLeast(data.Small(g.Key, size).Rps, yarp.Rps, Targets.SmallRpsVsBareYarp)))]);
            table.Row([$"small {label}: p99 <= direct + {Targets.SmallP99OverDirectMs:0} ms",
                .. gateways.Select(g =>
                {
                    var p99 = data.Small(g.Key, size).P99;
                    return JudgedCell(g.Key, double.IsFinite(p99 - direct.P99) ? $"{p99 - direct.P99:+0.00;-0.00;+0.00} ms" : Format.Missing, Targets.AtMost(p99, direct.P99 + Targets.SmallP99OverDirectMs));
                })]);
        }

        var sizes = data.MemorySizes.ToArray();
        foreach (var size in sizes)
        {
            table.Row([$"slow clients, {Options.ByteSizeText.Format(size)}: peak RSS <= {Targets.SlowClientsMaxRss / 1e6:0} MB",
                .. gateways.Select(g => data.Memory(g.Key, size) is { Error: null } m
                    ? Cell($"{Format.Megabytes(m.PeakRss)} MB", Targets.AtMost(m.PeakRss, Targets.SlowClientsMaxRss))
                    : Format.Missing)]);
        }

        if (sizes.Length > 1)
        {
            table.Row([$"slow clients: RSS flat from {Options.ByteSizeText.Format(sizes[0])} to {Options.ByteSizeText.Format(sizes[^1])} (<= +{Targets.FlatGrowth:P0})",
                .. gateways.Select(g =>
                {
                    var small = data.Memory(g.Key, sizes[0]);
                    var large = data.Memory(g.Key, sizes[^1]);
                    var growth = small is { Error: null } && large is { Error: null } && small.PeakRss > 0
                        ? $"{(double)large.PeakRss / small.PeakRss - 1:+0%;-0%;+0%}"
                        : Format.Missing;
                    return Cell(growth, MemorySection.Flat(small, large));
                })]);
        }

        if (gateways.Length > 0 && table.RowCount > 0)
        {
            table.WriteTo(md);
        }

        CacheSection.WriteTargets(md, data);
    }

    /// <summary>The download and small-object targets compare with contenders reading the nginx origin's files (<see cref="ContenderKeys.IsJudgedAgainstFileOrigin"/>).</summary>
    private static string JudgedCell(string key, string figure, bool? met) => Cell(figure, ContenderKeys.IsJudgedAgainstFileOrigin(key) ? met : null);

    private static string Cell(string figure, bool? met) => met is null ? figure : $"{figure} {Format.Check(met)}";
}
