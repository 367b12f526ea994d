namespace StreamForge.Bench.Results;

/// <summary>Every sample of a run; serialized whole to results/raw/&lt;run&gt;/results.json.</summary>
internal sealed class BenchResults
{
    public DateTimeOffset Started { get; init; } = DateTimeOffset.UtcNow;

    public TimeSpan Elapsed { get; set; }

    public List<DownloadSample> Downloads { get; } = [];

    /// <summary>Open-ended ranges of the large object on the S3 contenders (how a player reads after a seek), one stream.</summary>
    public List<DownloadSample> RangeDownloads { get; } = [];

    public List<SmallObjectSample> SmallObjects { get; } = [];

    public List<MemorySample> Memory { get; } = [];

    public List<SeekResult> Seeks { get; } = [];

    public List<UploadSample> Uploads { get; } = [];

    public List<ThrottleResult> Throttle { get; } = [];

    public CacheResults Cache { get; } = new();

    /// <summary>Set-up facts the report must mention (e.g. an object not uploaded to S3).</summary>
    public List<string> Notes { get; } = [];
}
