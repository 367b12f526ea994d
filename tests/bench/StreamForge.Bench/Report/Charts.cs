using System.Globalization;
using StreamForge.Bench.Options;
using StreamForge.Bench.Results;

namespace StreamForge.Bench.Report;

/// <summary>The PNGs beside the report, one per measurement, built from the same reduced figures as the tables.</summary>
internal static class Charts
{
    public static IReadOnlyList<string> WriteAll(ReportData data, string folder)
    {
        var written = new List<string>();
        var names = data.Contenders.Select(c => c.Name).ToArray();

        if (data.Results.Downloads.Count > 0)
        {
            var series = data.DownloadStreams.Select(streams => Series($"{streams} stream{(streams == 1 ? string.Empty : "s")}",
                data.Contenders.Select(c => data.Download(c.Key, streams)), "0.00")).ToArray();
            written.Add(Write(folder, "large-downloads.png", p => ChartWriter.GroupedBars(p, "Large downloads (higher is better)", "GB/s", names, series)));
        }

        if (data.Results.SmallObjects.Count > 0)
        {
            var rps = data.SmallSizes.Select(size => Series(ByteSizeText.Format(size), data.Contenders.Select(c => data.Small(c.Key, size).Rps), "0")).ToArray();
            written.Add(Write(folder, "small-objects.png", p => ChartWriter.GroupedBars(p, "Small objects: requests/s (higher is better)", "requests/s", names, rps)));
            var p99 = data.SmallSizes.Select(size => Series(ByteSizeText.Format(size), data.Contenders.Select(c => data.Small(c.Key, size).P99), "0.00")).ToArray();
            written.Add(Write(folder, "small-objects-p99.png", p => ChartWriter.GroupedBars(p, "Small objects: p99 latency (lower is better)", "ms", names, p99)));
        }

        if (data.Results.Memory.Count > 0)
        {
            var memory = data.MemorySizes.Select(size => new ChartSeries(ByteSizeText.Format(size) + " object",
                data.Contenders.Select(c => data.Memory(c.Key, size) is { Error: null } m ? m.PeakRss / 1e6 : double.NaN).ToArray(),
                data.Contenders.Select(c => data.Memory(c.Key, size) is { Error: null } m ? $"{m.PeakRss / 1e6:0.0} MB" : "not measured").ToArray())).ToArray();
            written.Add(Write(folder, "memory.png", p => ChartWriter.GroupedBars(p, "Peak RSS with slow clients (lower is better)", "MB",
                names, memory, (Targets.SlowClientsMaxRss / 1e6, "gateway target"))));
        }

        if (data.Results.Seeks.Count > 0)
        {
            var seeks = new[] { 50.0, 99.0 }.Select(p => new ChartSeries($"p{p:0}",
                data.Contenders.Select(c => data.Seek(c.Key) is { Unsupported: null, Error: null } s ? Stats.Percentile(s.LatenciesMs, p) : double.NaN).ToArray(),
                data.Contenders.Select(c => data.Seek(c.Key) switch
                {
                    { Unsupported: not null } => "no range support",
                    { Error: not null } => "failed",
                    { } s => $"{Stats.Percentile(s.LatenciesMs, p):0.00} ms",
                    null => "not measured",
                }).ToArray())).ToArray();
            written.Add(Write(folder, "seeks.png", p => ChartWriter.GroupedBars(p, "Seek latency, 1 MiB ranges (lower is better)", "ms", names, seeks)));
        }

        if (data.Results.Uploads.Count > 0)
        {
            var targets = data.UploadTargets.Select(t => t.Name).ToArray();
            var uploads = data.UploadStreams.Select(streams => new ChartSeries($"{streams} upload{(streams == 1 ? string.Empty : "s")}",
                data.UploadTargets.Select(t => data.Upload(t.Key, streams).GBps).ToArray(),
                data.UploadTargets.Select(t => data.Upload(t.Key, streams) is var u && double.IsFinite(u.GBps)
                    ? $"{u.GBps:0.00} GB/s, {u.PeakRss / 1e6:0} MB RSS"
                    : "failed").ToArray())).ToArray();
            written.Add(Write(folder, "uploads.png", p => ChartWriter.GroupedBars(p, "Uploads (higher is better)", "GB/s", targets, uploads)));
        }

        var throttled = data.Results.Throttle.Where(t => t.Achieved is not null).ToArray();
        if (throttled.Length > 0)
        {
            var categories = throttled.Select(t => $"{t.Route}, {ByteSizeText.FormatRate(t.Configured)}").ToArray();
            var ratio = new ChartSeries("achieved / configured", throttled.Select(t => t.Achieved!.Value / t.Configured).ToArray(),
                throttled.Select(t => $"{t.Achieved!.Value / t.Configured:0.00}x ({ByteSizeText.FormatRate(t.Achieved!.Value)})").ToArray());
            written.Add(Write(folder, "throttle.png", p => ChartWriter.GroupedBars(p, "Throttle accuracy (1.0 is exact)", "achieved / configured",
                categories, [ratio], (1.0, "configured"))));
        }

        return written;
    }

    private static ChartSeries Series(string name, IEnumerable<double> values, string format)
    {
        var array = values.ToArray();
        return new ChartSeries(name, array, array.Select(v => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "failed").ToArray());
    }

    private static string Write(string folder, string file, Action<string> draw)
    {
        var path = Path.Combine(folder, file);
        draw(path);
        return path;
    }
}
