namespace StreamForge.Gateway.Throttling;

/// <summary>
/// A token bucket that may go into debt: <see cref="Reserve"/> always takes the tokens and answers how long the
/// caller must wait before writing, so a chunk larger than the burst is paced as exactly as a small one.
/// Thread-safe, because several streams of one client (or every client of a route) share one bucket.
/// </summary>
/// <remarks>
/// The state is a single instant, "paid until": the time at which every byte reserved so far has been paid for
/// at the rate. Tokens available now are (now - paidUntil) * rate, capped at the burst. The instant is kept in
/// timestamp ticks scaled by the rate (an exact integer, Int128 so no product overflows), so a reservation adds
/// exactly bytes * frequency and no rounding accumulates over millions of reservations. Only the delay handed
/// to the caller is rounded, upwards and to one tick; since the schedule is absolute, the next reservation
/// absorbs that rounding (and any late timer wake-up) instead of adding it up.
/// </remarks>
internal sealed class TokenBucket
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly long _frequency;
    private readonly Int128 _burstScaled;
    private Int128 _paidUntilScaled;

    /// <param name="bytesPerSecond">The long-run rate; at least 1.</param>
    /// <param name="burstBytes">The most tokens an idle bucket accumulates; 0 means pure pacing.</param>
    public TokenBucket(long bytesPerSecond, long burstBytes, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(burstBytes);
        ArgumentNullException.ThrowIfNull(timeProvider);
        BytesPerSecond = bytesPerSecond;
        BurstBytes = burstBytes;
        _timeProvider = timeProvider;
        _frequency = timeProvider.TimestampFrequency;
        _burstScaled = (Int128)burstBytes * _frequency;
        // A new bucket starts full, as an idle one would be.
        _paidUntilScaled = EarliestPaidUntil(timeProvider.GetTimestamp());
    }

    public long BytesPerSecond { get; }

    public long BurstBytes { get; }

    /// <summary>True when the bucket holds its whole burst: it is then indistinguishable from a new one.</summary>
    public bool IsFull
    {
        get
        {
            var now = _timeProvider.GetTimestamp();
            lock (_gate)
            {
                return _paidUntilScaled <= EarliestPaidUntil(now);
            }
        }
    }

    /// <summary>Takes <paramref name="bytes"/> tokens, going into debt if needed.</summary>
    /// <returns>How long to wait before writing those bytes; zero when the bucket covered them.</returns>
    public TimeSpan Reserve(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var now = _timeProvider.GetTimestamp();
        Int128 debtScaled;
        lock (_gate)
        {
            // Idle time beyond the burst is forgotten: the bucket never holds more than BurstBytes.
            var earliest = EarliestPaidUntil(now);
            if (_paidUntilScaled < earliest)
            {
                _paidUntilScaled = earliest;
            }

            _paidUntilScaled += (Int128)bytes * _frequency;
            debtScaled = _paidUntilScaled - (Int128)now * BytesPerSecond;
        }

        return debtScaled <= 0 ? TimeSpan.Zero : ToTimeSpan(debtScaled);
    }

    /// <summary>
    /// Gives back tokens reserved for bytes that will never be written (the stream was canceled while waiting),
    /// so the other streams sharing the bucket do not pay for them.
    /// </summary>
    public void Refund(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_gate)
        {
            // Going below the earliest instant is harmless: the next Reserve caps it at the burst again.
            _paidUntilScaled -= (Int128)bytes * _frequency;
        }
    }

    private Int128 EarliestPaidUntil(long now) => (Int128)now * BytesPerSecond - _burstScaled;

    private TimeSpan ToTimeSpan(Int128 debtScaled)
    {
        // Rounded up twice (to a timestamp tick, then to a TimeSpan tick): waking early would break the rate,
        // waking a tick late is absorbed by the absolute schedule.
        var timestampTicks = CeilingDivide(debtScaled, BytesPerSecond);
        var ticks = CeilingDivide(timestampTicks * TimeSpan.TicksPerSecond, _frequency);
        return ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)ticks);
    }

    private static Int128 CeilingDivide(Int128 value, long divisor) => (value + divisor - 1) / divisor;
}
