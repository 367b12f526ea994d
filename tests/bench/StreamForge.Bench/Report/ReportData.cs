using StreamForge.Bench.Results;

namespace StreamForge.Bench.Report;

/// <summary>The run's samples reduced to one figure per cell: medians over rounds, the worst peak for memory.</summary>
internal sealed class ReportData(BenchResults results, IReadOnlyList<(string Key, string Name)> contenders, IReadOnlyList<(string Key, string Name)> uploadTargets)
{
    public BenchResults Results { get; } = results;

    public IReadOnlyList<(string Key, string Name)> Contenders { get; } = contenders;

    public IReadOnlyList<(string Key, string Name)> UploadTargets { get; } = uploadTargets;

    public IEnumerable<int> DownloadStreams => Results.Downloads.Select(d => d.Streams).Distinct().Order();

    public IEnumerable<long> SmallSizes => Results.SmallObjects.Select(s => s.Size).Distinct().Order();

    public IEnumerable<long> MemorySizes => Results.Memory.Select(s => s.ObjectSize).Distinct().Order();

    public IEnumerable<int> UploadStreams => Results.Uploads.Select(s => s.Streams).Distinct().Order();

    public double Download(string contender, int streams) =>
        Stats.Median(Results.Downloads.Where(d => d.Contender == contender && d.Streams == streams).Select(d => d.GigabytesPerSecond));

    public (double Contender, double Upstream) DownloadCpu(string contender, int streams)
    {
        var samples = Results.Downloads.Where(d => d.Contender == contender && d.Streams == streams).ToArray();
        return (Stats.Median(samples.Select(d => d.ContenderCpuPerGigabyte)), Stats.Median(samples.Select(d => d.UpstreamCpuPerGigabyte)));
    }

    /// <summary>Median GB/s and contender CPU s/GB of the open-ended range reads.</summary>
    public (double GBps, double Cpu) RangeDownload(string contender)
    {
        var samples = Results.RangeDownloads.Where(d => d.Contender == contender).ToArray();
        return (Stats.Median(samples.Select(d => d.GigabytesPerSecond)), Stats.Median(samples.Select(d => d.ContenderCpuPerGigabyte)));
    }

    public string? DownloadError(string contender, int streams) =>
        Results.Downloads.FirstOrDefault(d => d.Contender == contender && d.Streams == streams && d.Error is not null)?.Error;

    public (double Rps, double P50, double P99, string? Error) Small(string contender, long size)
    {
        var samples = Results.SmallObjects.Where(s => s.Contender == contender && s.Size == size).ToArray();
        var measured = samples.Where(s => s.Result is not null).Select(s => s.Result!).ToArray();
        return (Stats.Median(measured.Select(r => r.RequestsPerSecond)), Stats.Median(measured.Select(r => r.P50Ms)),
            Stats.Median(measured.Select(r => r.P99Ms)), samples.FirstOrDefault(s => s.Error is not null)?.Error);
    }

    public MemorySample? Memory(string contender, long size) =>
        Results.Memory.FirstOrDefault(m => m.Contender == contender && m.ObjectSize == size);

    public SeekResult? Seek(string contender) => Results.Seeks.FirstOrDefault(s => s.Contender == contender);

    public (double GBps, long PeakRss, string? Error) Upload(string target, int streams)
    {
        var samples = Results.Uploads.Where(u => u.Target == target && u.Streams == streams).ToArray();
        return (Stats.Median(samples.Select(s => s.GigabytesPerSecond)), samples.Length == 0 ? 0 : samples.Max(s => s.PeakRss),
            samples.FirstOrDefault(s => s.Error is not null)?.Error);
    }

    /// <summary>Median CPU s/GB of the receiving process and of the server behind it (NaN when none).</summary>
    public (double Cpu, double UpstreamCpu) UploadCpu(string target, int streams)
    {
        var samples = Results.Uploads.Where(u => u.Target == target && u.Streams == streams && u.Error is null).ToArray();
        return (Stats.Median(samples.Select(s => s.CpuPerGigabyte)), Stats.Median(samples.Select(s => s.UpstreamCpuPerGigabyte)));
    }

    public IEnumerable<int> CacheStreams => Results.Cache.Downloads.Select(d => d.Streams).Distinct().Order();

    public IEnumerable<long> CacheSmallSizes => Results.Cache.SmallObjects.Select(s => s.Size).Distinct().Order();

    public bool HasCache => Results.Cache.Contenders.Count > 0;

    public double CacheHit(string contender, int streams) =>
        Stats.Median(Results.Cache.Downloads.Where(d => d.Contender == contender && d.Streams == streams).Select(d => d.GigabytesPerSecond));

    public IReadOnlyList<CacheHitDownloadSample> CacheHitSamples(string contender, int streams) =>
        Results.Cache.Downloads.Where(d => d.Contender == contender && d.Streams == streams).ToArray();

    public (double Rps, double P50, double P99, string? WarmStatus, long? UpstreamBytes, string? Error) CacheSmall(string contender, long size)
    {
        var samples = Results.Cache.SmallObjects.Where(s => s.Contender == contender && s.Size == size).ToArray();
        var measured = samples.Where(s => s.Result is not null).Select(s => s.Result!).ToArray();
        var upstream = samples.Where(s => s.UpstreamBytes is not null).Select(s => s.UpstreamBytes!.Value).ToArray();
        return (Stats.Median(measured.Select(r => r.RequestsPerSecond)), Stats.Median(measured.Select(r => r.P50Ms)), Stats.Median(measured.Select(r => r.P99Ms)),
            samples.FirstOrDefault()?.WarmStatus, upstream.Length == 0 ? null : upstream.Sum(), samples.FirstOrDefault(s => s.Error is not null)?.Error);
    }

    public StampedeResult? Stampede(string contender) => Results.Cache.Stampedes.FirstOrDefault(s => s.Contender == contender);
}
