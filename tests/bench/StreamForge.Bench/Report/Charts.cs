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

        if (data.HasCache)
        {
            written.AddRange(CacheCharts(data, folder));
        }

        return written;
    }

    /// <summary>g. Hits (GB/s), small objects (req/s), and the stampede's upstream bytes as a multiple of the object (1.0 is ideal).</summary>
    private static IEnumerable<string> CacheCharts(ReportData data, string folder)
    {
        var contenders = data.Results.Cache.Contenders;
        var names = contenders.Select(c => c.Name).ToArray();
        if (data.Results.Cache.Downloads.Count > 0)
        {
            var series = data.CacheStreams.Select(streams => Labelled($"{streams} stream{(streams == 1 ? string.Empty : "s")}", contenders,
                c => data.CacheHit(c.Key, streams), "0.00")).ToArray();
            yield return Write(folder, "cache-hits.png", p => ChartWriter.GroupedBars(p, "Cache-hit large downloads (higher is better)", "GB/s", names, series));
        }

        if (data.Results.Cache.SmallObjects.Count > 0)
        {
            var series = data.CacheSmallSizes.Select(size => Labelled(ByteSizeText.Format(size), contenders, c => data.CacheSmall(c.Key, size).Rps, "0")).ToArray();
            yield return Write(folder, "cache-small.png", p => ChartWriter.GroupedBars(p, "Cache-hit small objects: requests/s (higher is better)", "requests/s", names, series));
        }

        var caches = contenders.Where(c => !c.IsReference).ToArray();
        if (caches.Length > 0)
        {
            var multiple = Labelled("upstream bytes / object size", caches, c => data.Stampede(c.Key)?.UpstreamMultiple ?? double.NaN, "0.000");
            yield return Write(folder, "cache-stampede.png", p => ChartWriter.GroupedBars(p, "Cold stampede: upstream bytes per object (lower is better)",
                "x object size", caches.Select(c => c.Name).ToArray(), [multiple], (1.0, "the object once")));
        }
    }

    /// <summary>Bars for the cache contenders; one that was not measured is labelled so rather than "failed".</summary>
    private static ChartSeries Labelled(string name, IReadOnlyList<CacheContender> contenders, Func<CacheContender, double> value, string format)
    {
        var values = contenders.Select(c => c.Unavailable is null ? value(c) : double.NaN).ToArray();
        return new ChartSeries(name, values, contenders.Select((c, i) => c.Unavailable is not null ? "not available"
            : double.IsFinite(values[i]) ? values[i].ToString(format, CultureInfo.InvariantCulture) : "not measured").ToArray());
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
