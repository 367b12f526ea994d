using System.Threading.RateLimiting;

namespace StreamForge.Gateway.RateLimiting;

/// <summary>
/// Puts the time until a permit is really back on an in-memory limiter's refusals (its <c>Retry-After</c>). .NET's
/// limiters say a whole window (fixed window), a whole period (token bucket) or nothing (sliding window): measured,
/// a client refused 2 s before a one-minute window ended was told 60, and one refused by a sliding window was told one
/// segment while its permits came back only when the window had slid past them.
/// </summary>
/// <remarks>
/// The limiters replenish on a timer of their own that starts with them (AutoReplenishment), every window, period or
/// segment; so from the moment one was created the clock tells when the next replenishment comes. A sliding window
/// gives a permit back a whole window after the segment it was taken in; those segments are kept here, at most one per
/// permit of the limit.
/// </remarks>
internal sealed class RetryClock(RateLimiter inner, RateLimitPolicySettings policy, TimeProvider time) : DelegatingRateLimiter(inner)
{
    private readonly long _created = time.GetTimestamp();
    private readonly Queue<long> _takenInSegment = new();

    public override RateLimiterStatistics? GetStatistics() => Inner.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Timed(Inner.AttemptAcquire(permitCount), permitCount);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        Timed(await Inner.AcquireAsync(permitCount, cancellationToken), permitCount);

    private RateLimitLease Timed(RateLimitLease lease, int permitCount)
    {
        var elapsed = time.GetElapsedTime(_created);
        if (policy.Kind == RateLimitKind.SlidingWindow)
        {
            lock (_takenInSegment)
            {
                var segment = policy.Window / policy.SegmentsPerWindow;
                var current = (long)(elapsed / segment);
                // A permit taken in segment k is back at the replenishment that ends segment k + SegmentsPerWindow - 1.
                while (_takenInSegment.TryPeek(out var oldest) && oldest + policy.SegmentsPerWindow <= current)
                {
                    _takenInSegment.Dequeue();
                }

                if (lease.IsAcquired)
                {
                    for (var i = 0; i < permitCount; i++)
                    {
                        _takenInSegment.Enqueue(current);
                    }

                    return lease;
                }

                return _takenInSegment.TryPeek(out var first)
                    ? new Refused(lease, (segment * (first + policy.SegmentsPerWindow)) - elapsed)
                    : lease;
            }
        }

        if (lease.IsAcquired)
        {
            return lease;
        }

        // Fixed window and token bucket: the next replenishment (one period returns TokensPerPeriod, at least one).
        var period = policy.Window;
        return new Refused(lease, period - TimeSpan.FromTicks(elapsed.Ticks % period.Ticks));
    }

    /// <summary>The limiter's refusal with the computed wait in place of its own.</summary>
    private sealed class Refused(RateLimitLease refused, TimeSpan retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => refused.MetadataNames.Append(MetadataName.RetryAfter.Name).Distinct();

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = retryAfter;
                return true;
            }

            return refused.TryGetMetadata(metadataName, out metadata);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                refused.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
