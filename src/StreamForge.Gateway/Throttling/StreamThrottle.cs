namespace StreamForge.Gateway.Throttling;

/// <summary>
/// The throttle of one stream, awaited by the copy loop before each write: a delay before the next write, never
/// a read-ahead into a queue, so memory per stream stays one buffer. Combines the stream's own bucket (after its
/// <c>limit_rate_after</c> allowance) with the optional buckets shared by the client and by the route.
/// </summary>
/// <remarks>
/// A write reserves its bytes in every applicable bucket at once and waits for the longest of the delays. That is
/// slightly conservative: the buckets that are not the bottleneck are charged when the bytes are reserved rather
/// than when they leave, so other streams sharing them briefly see at most one write per waiting stream as debt
/// too early. The bottleneck bucket still paces exactly, and waiting on each bucket in turn (the alternative that
/// charges each one "on time") would add the delays up instead of taking their maximum.
/// One instance belongs to one stream and is used by one copy loop: it is not safe for concurrent calls.
/// </remarks>
internal sealed class StreamThrottle : IDisposable
{
    // Writes are cut to 5 ms worth of the slowest applicable rate. Bytes are counted per write, so a 1 s window
    // is off by at most one write: 0.5% here, against 4 s (400%) for one 256 KiB chunk at 64 KB/s unsliced.
    // The price is up to 200 writes/s per slow stream; at 13 MB/s and above a 64 KiB chunk is not cut at all.
    private const int WritesPerSecond = 200;

    // Below this, per-write overhead (TLS record, TCP segment) outweighs smoother pacing.
    private const int MinWriteBytes = 256;

    // The timers' own limit (uint.MaxValue - 1 ms, ~49.7 days): a larger debt is a configuration error anyway.
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly TimeProvider _timeProvider;
    private readonly TokenBucket? _streamBucket;
    private readonly TokenBucket? _clientBucket;
    private readonly TokenBucket? _routeBucket;
    private readonly int _streamWriteBytes;
    private readonly int _sharedWriteBytes;
    private readonly IDisposable? _lease;
    private long _remainingAllowance;

    /// <param name="rateAfterBytes">Bytes exempt from <paramref name="streamBucket"/> at the start of the stream.</param>
    /// <param name="lease">Released on <see cref="Dispose"/>: the stream's hold on the shared buckets.</param>
    public StreamThrottle(
        TimeProvider timeProvider,
        TokenBucket? streamBucket,
        long rateAfterBytes,
        TokenBucket? clientBucket,
        TokenBucket? routeBucket,
        IDisposable? lease = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfNegative(rateAfterBytes);
        _timeProvider = timeProvider;
        _streamBucket = streamBucket;
        _clientBucket = clientBucket;
        _routeBucket = routeBucket;
        _remainingAllowance = rateAfterBytes;
        _lease = lease;
        _streamWriteBytes = SmoothWriteBytes(streamBucket);
        _sharedWriteBytes = Math.Min(SmoothWriteBytes(clientBucket), SmoothWriteBytes(routeBucket));
    }

    /// <summary>A throttle that never waits; shared, so it costs nothing per stream.</summary>
    public static StreamThrottle Unlimited { get; } = new(TimeProvider.System, null, 0, null, null);

    public bool IsUnlimited => _streamBucket is null && _clientBucket is null && _routeBucket is null;

    /// <summary>
    /// How many of the <paramref name="available"/> bytes of the current chunk to write next. Cut to a few
    /// milliseconds' worth of the applicable rates so pacing is smooth within a chunk, and cut at the end of the
    /// <c>limit_rate_after</c> allowance so the allowance is exact.
    /// </summary>
    public int NextWriteSize(int available)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(available);
        var size = Math.Min(available, _sharedWriteBytes);
        if (_streamBucket is null)
        {
            return size;
        }

        return _remainingAllowance > 0 ? (int)Math.Min(size, _remainingAllowance) : Math.Min(size, _streamWriteBytes);
    }

    /// <summary>Reserves <paramref name="bytes"/> in every applicable bucket and waits until they may be written.</summary>
    /// <returns>The time actually waited (for the "time spent waiting on throttles" metric).</returns>
    /// <remarks>Completes synchronously, without allocating, whenever no wait is needed.</remarks>
    public ValueTask<TimeSpan> WaitAsync(int bytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (IsUnlimited)
        {
            return ValueTask.FromResult(TimeSpan.Zero);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<TimeSpan>(cancellationToken);
        }

        var started = _timeProvider.GetTimestamp();
        var delay = Reserve(bytes);
        return delay == TimeSpan.Zero
            ? ValueTask.FromResult(TimeSpan.Zero)
            : new ValueTask<TimeSpan>(ThrottleDelay.Start(_timeProvider, Min(delay, MaxTimerDelay), this, bytes, started, cancellationToken));
    }

    public void Dispose() => _lease?.Dispose();

    private TimeSpan Reserve(int bytes)
    {
        var delay = TimeSpan.Zero;
        if (_streamBucket is not null)
        {
            var exempt = (int)Math.Min(_remainingAllowance, bytes);
            _remainingAllowance -= exempt;
            if (bytes > exempt)
            {
                delay = _streamBucket.Reserve(bytes - exempt);
            }
        }

        if (_clientBucket is not null)
        {
            delay = Max(delay, _clientBucket.Reserve(bytes));
        }

        if (_routeBucket is not null)
        {
            delay = Max(delay, _routeBucket.Reserve(bytes));
        }

        return delay;
    }

    /// <summary>
    /// Gives back the bytes of a canceled wait: they will never be written. The stream's own bucket dies with the
    /// stream, but the shared ones would otherwise make the client's or route's other streams pay for them.
    /// </summary>
    internal void RefundShared(int bytes)
    {
        _clientBucket?.Refund(bytes);
        _routeBucket?.Refund(bytes);
    }

    private static int SmoothWriteBytes(TokenBucket? bucket) =>
        bucket is null ? int.MaxValue : (int)Math.Clamp(bucket.BytesPerSecond / WritesPerSecond, MinWriteBytes, int.MaxValue);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
