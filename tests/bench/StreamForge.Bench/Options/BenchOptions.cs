namespace StreamForge.Bench.Options;

/// <summary>
/// Every parameter of a run. The property defaults are the real run's (sized to finish in about 20 minutes on
/// the 2-core bench machine); <see cref="QuickDefaults"/> is the smoke test's (well under 2 minutes).
/// </summary>
internal sealed record BenchOptions
{
    private const long KiB = 1024;
    private const long MiB = 1024 * KiB;
    private const long GiB = 1024 * MiB;

    public bool IsQuick { get; init; }

    /// <summary>The large object: downloads, seeks, slow clients, throttling.</summary>
    public long LargeSize { get; init; } = 1 * GiB;

    /// <summary>The second slow-client size, to show memory stays flat as files grow (sparse on disk).</summary>
    public long HugeSize { get; init; } = 4 * GiB;

    public IReadOnlyList<int> Streams { get; init; } = [1, 8];

    /// <summary>
    /// Nine, not five: one GET of 1 GiB takes about a second, and on 2 shared cores single rounds of the same contender
    /// spread by +-20 % (the S3 route, 8 streams, 1.24-1.66 GB/s in one run of 2026-11-28), so that a median of five
    /// moved the S3 ratios by 0.1 from run to run on the same code.
    /// </summary>
    public int DownloadRounds { get; init; } = 9;

    public IReadOnlyList<long> SmallSizes { get; init; } = [1 * KiB, 100 * KiB];

    public int WrkConnections { get; init; } = 64;

    /// <summary>One wrk thread per core: more only adds context switches on a 2-core machine.</summary>
    public int WrkThreads { get; init; } = 2;

    public TimeSpan WrkDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// wrk against each contender before phase b is measured, on its first size (1 s on the others). A .NET server
    /// needs 15-20 s of load on 2 saturated cores before tiered compilation has promoted its request path; a gateway
    /// in service has long done that, so the figures are taken warm.
    /// </summary>
    public TimeSpan SmallWarmup { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Three, so the median drops one round spoiled by another engineer's build on the shared machine.</summary>
    public int SmallRounds { get; init; } = 3;

    public int SlowClients { get; init; } = 100;

    public long SlowRate { get; init; } = 1_000_000;

    /// <summary>How long each slow client reads; the memory plateau is reached within a few seconds.</summary>
    public TimeSpan SlowDuration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>SO_RCVBUF of a slow client, set before connecting so the kernel cannot auto-tune it upwards.</summary>
    public int SlowReceiveBuffer { get; init; } = 16 * (int)KiB;

    public int Seeks { get; init; } = 400;

    public long SeekSize { get; init; } = 1 * MiB;

    public int SeekRounds { get; init; } = 4;

    /// <summary>Ranges each contender serves, unmeasured, before (d): a .NET server's range path is otherwise timed while tiered compilation promotes it.</summary>
    public int SeekWarmup { get; init; } = 200;

    public long UploadSize { get; init; } = 256 * MiB;

    public IReadOnlyList<int> UploadStreams { get; init; } = [1, 8];

    public int UploadRounds { get; init; } = 4;

    public IReadOnlyList<long> ThrottleRates { get; init; } = [64_000, 1_000_000, 50_000_000];

    public TimeSpan ThrottleDuration { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>g. The object of the cold stampede, created for the cache phase (pseudo-random bytes).</summary>
    public long CacheColdSize { get; init; } = 256 * MiB;

    /// <summary>g. Clients of the cold stampede, all asking for the cold object at once.</summary>
    public int CacheClients { get; init; } = 50;

    /// <summary>Upload the huge object to S3 too (about 30 s for 4 GiB into s3rver here).</summary>
    public bool S3Huge { get; init; } = true;

    public IReadOnlyList<string> Phases { get; init; } = Phase.All;

    /// <summary>Contender keys to run; null for all.</summary>
    public IReadOnlyList<string>? Contenders { get; init; }

    public string RepoRoot { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>Where the report goes; null: results/latest.md for a full run, the raw folder for --quick.</summary>
    public string? ReportDir { get; init; }

    public string? WorkDir { get; init; }

    public bool KeepWorkDir { get; init; }

    public static BenchOptions QuickDefaults { get; } = new()
    {
        IsQuick = true,
        LargeSize = 64 * MiB,
        HugeSize = 256 * MiB,
        DownloadRounds = 1,
        WrkDuration = TimeSpan.FromSeconds(1),
        SmallWarmup = TimeSpan.FromSeconds(1),
        SmallRounds = 1,
        SlowClients = 10,
        SlowDuration = TimeSpan.FromSeconds(2),
        Seeks = 40,
        SeekRounds = 2,
        SeekWarmup = 10,
        UploadSize = 16 * MiB,
        UploadRounds = 1,
        ThrottleDuration = TimeSpan.FromSeconds(1.5),
        CacheColdSize = 32 * MiB,
    };

    public bool Runs(string phase) => Phases.Contains(phase, StringComparer.OrdinalIgnoreCase);

    public bool Includes(string contenderKey) =>
        Contenders is null || Contenders.Contains(contenderKey, StringComparer.OrdinalIgnoreCase);

    /// <summary>The parameters as the report lists them, in the command line's spelling.</summary>
    public IReadOnlyList<(string Option, string Value)> Describe() =>
    [
        ("--large-size", ByteSizeText.Format(LargeSize)),
        ("--huge-size", ByteSizeText.Format(HugeSize)),
        ("--streams", string.Join(",", Streams)),
        ("--download-rounds", DownloadRounds.ToString()),
        ("--small-sizes", string.Join(",", SmallSizes.Select(ByteSizeText.Format))),
        ("--wrk-connections", WrkConnections.ToString()),
        ("--wrk-threads", WrkThreads.ToString()),
        ("--wrk-duration", DurationText.Format(WrkDuration)),
        ("--small-warmup", DurationText.Format(SmallWarmup)),
        ("--small-rounds", SmallRounds.ToString()),
        ("--slow-clients", SlowClients.ToString()),
        ("--slow-rate", ByteSizeText.FormatRate(SlowRate)),
        ("--slow-duration", DurationText.Format(SlowDuration)),
        ("--slow-receive-buffer", ByteSizeText.Format(SlowReceiveBuffer)),
        ("--seeks", Seeks.ToString()),
        ("--seek-size", ByteSizeText.Format(SeekSize)),
        ("--seek-rounds", SeekRounds.ToString()),
        ("--seek-warmup", SeekWarmup.ToString()),
        ("--upload-size", ByteSizeText.Format(UploadSize)),
        ("--upload-streams", string.Join(",", UploadStreams)),
        ("--upload-rounds", UploadRounds.ToString()),
        ("--throttle-rates", string.Join(",", ThrottleRates.Select(r => ByteSizeText.FormatRate(r).Replace(" ", "").Replace("/s", "")))),
        ("--throttle-duration", DurationText.Format(ThrottleDuration)),
        ("--cache-cold-size", ByteSizeText.Format(CacheColdSize)),
        ("--cache-clients", CacheClients.ToString()),
        ("--s3-huge", S3Huge ? "on" : "off"),
        ("--only", string.Join(",", Phases)),
        ("--contenders", Contenders is null ? "all" : string.Join(",", Contenders)),
    ];
}
