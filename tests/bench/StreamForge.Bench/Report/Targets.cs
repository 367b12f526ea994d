namespace StreamForge.Bench.Report;

/// <summary>
/// The targets for the gateway, shown next to the figures (never asserted: a shared 2-core machine is
/// too noisy for a pass/fail line).
/// </summary>
internal static class Targets
{
    public const double DownloadVsTunedNginx = 1.0;
    public const double DownloadVsBareYarp = 1.0;
    public const double SmallRpsVsBareYarp = 0.9;
    public const double SmallP99OverDirectMs = 2.0;
    public const double SlowClientsMaxRss = 150e6;
    public const double S3DownloadVsDirect = 0.9;
    public const double S3CpuSecondsPerGb = 1.0;
    public const double S3SeekP99VsDirect = 2.0;
    public const double S3UploadVsDirect = 0.8;

    /// <summary>g. Issue #12: cache hits at least as fast as nginx proxy_cache hits, and 0.9x the file store.</summary>
    public const double CacheHitVsNginxCache = 1.0;
    public const double CacheHitVsFileStore = 0.9;
    public const double CacheSmallVsFileStore = 0.9;

    /// <summary>g. Cold stampede: the upstream sends the object once, plus at most one slice (the gateway's default <c>Range:SliceSize</c>).</summary>
    public const long StampedeExtraSlice = 8L << 20;

    /// <summary>"Flat from 1 GiB to 4 GiB": the peak may grow by this fraction (noise), not with the size.</summary>
    public const double FlatGrowth = 0.10;

    public static bool? AtLeast(double value, double reference, double factor) =>
        double.IsFinite(value) && double.IsFinite(reference) && reference > 0 ? value >= reference * factor : null;

    public static bool? AtMost(double value, double limit) =>
        double.IsFinite(value) && double.IsFinite(limit) ? value <= limit : null;
}
