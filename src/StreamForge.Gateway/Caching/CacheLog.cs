namespace StreamForge.Gateway.Caching;

/// <summary>Source-generated log messages of the edge cache (event ids 300-309).</summary>
internal static partial class CacheLog
{
    [LoggerMessage(300, LogLevel.Information, "Edge cache at {Directory}: {Versions} objects, {Slices} slices, {Bytes} bytes")]
    public static partial void Loaded(ILogger logger, string directory, int versions, int slices, long bytes);

    [LoggerMessage(301, LogLevel.Error, "Edge cache at {Directory} cannot write; serving without storing for {Seconds} s")]
    public static partial void DiskFailed(ILogger logger, string directory, double seconds, Exception error);

    [LoggerMessage(302, LogLevel.Warning, "Edge cache fill of {Key} at byte {Offset} failed: {Reason}")]
    public static partial void FillFailed(ILogger logger, string key, long offset, string reason);

    [LoggerMessage(303, LogLevel.Warning, "Edge cache serves a stale copy of {Key}: upstream failed ({Reason})")]
    public static partial void ServedStale(ILogger logger, string key, string reason);

    [LoggerMessage(304, LogLevel.Information, "Edge cache purge on route {RouteId} of {Key} (prefix: {Prefix}) removed {Count} objects")]
    public static partial void Purged(ILogger logger, string routeId, string key, bool prefix, int count);
}
