using System.Diagnostics;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>
/// What one request's access log line needs beyond what HttpContext knows at its end, filled by the handlers that
/// learn it (a request feature, set first in the pipeline). Bytes received are added by the request's streams.
/// </summary>
internal sealed class AccessLogRecord
{
    private long _bytesReceived;
    private long _upstreamStarted;
    private TimeSpan? _upstreamTimeToFirstByte;

    public AccessLogRecord(DateTimeOffset started)
    {
        Started = started;
        StartTimestamp = Stopwatch.GetTimestamp();
    }

    public DateTimeOffset Started { get; }

    public long StartTimestamp { get; }

    /// <summary>The stable error code of the answer (problem+json <c>code</c>) or of how the stream ended.</summary>
    public string? ErrorCode { get; set; }

    /// <summary>The throttle the request's streams were paced by, as <see cref="ThrottleLabel"/> writes it.</summary>
    public string? Throttle { get; set; }

    /// <summary>
    /// What the edge cache did, asked when the line is written: a response without a body starts (and gets its
    /// Cache-Status) only after the access log's step has ended.
    /// </summary>
    public ICacheOutcome? Cache { get; set; }

    /// <summary>
    /// From the request to the store or origin until its first answer; null when none was asked, including a cache hit,
    /// whose first answer is the cache's own (it made sub-millisecond disk reads look like the upstream's latency).
    /// </summary>
    public TimeSpan? UpstreamTimeToFirstByte => Cache?.Forwarded == false ? null : _upstreamTimeToFirstByte;

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public void AddReceived(long bytes) => Interlocked.Add(ref _bytesReceived, bytes);

    public void UpstreamStarted() => Interlocked.CompareExchange(ref _upstreamStarted, Stopwatch.GetTimestamp(), 0);

    /// <summary>The first answer counts; later calls (a second slice) do not move it.</summary>
    public void UpstreamResponded()
    {
        var started = Interlocked.Read(ref _upstreamStarted);
        if (started != 0 && _upstreamTimeToFirstByte is null)
        {
            _upstreamTimeToFirstByte = Stopwatch.GetElapsedTime(started);
        }
    }
}
