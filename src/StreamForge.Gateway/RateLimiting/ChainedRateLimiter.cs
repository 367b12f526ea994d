using System.Threading.RateLimiting;

namespace StreamForge.Gateway.RateLimiting;

/// <summary>
/// A request needs a permit from both limiters (a request rate and a cap on concurrent streams): YARP routes
/// name one rate limiter policy, so a policy that has both is this pair.
/// </summary>
internal sealed class ChainedRateLimiter(RateLimiter first, RateLimiter second) : RateLimiter
{
    public override TimeSpan? IdleDuration =>
        first.IdleDuration is { } a && second.IdleDuration is { } b ? (a < b ? a : b) : null;

    public override RateLimiterStatistics? GetStatistics() => null;

    /// <summary>A slot of the stream cap frees whenever one of the client's streams ends: worth trying again soon.</summary>
    private static readonly TimeSpan StreamCapRetry = TimeSpan.FromSeconds(1);

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        var lease = first.AttemptAcquire(permitCount);
        return lease.IsAcquired ? Combine(lease, second.AttemptAcquire(permitCount)) : new RefusedByFirst(lease);
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        var lease = await first.AcquireAsync(permitCount, cancellationToken);
        if (!lease.IsAcquired)
        {
            return new RefusedByFirst(lease);
        }

        try
        {
            return Combine(lease, await second.AcquireAsync(permitCount, cancellationToken));
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    private static RateLimitLease Combine(RateLimitLease acquired, RateLimitLease next)
    {
        if (next.IsAcquired)
        {
            return new PairLease(acquired, next);
        }

        acquired.Dispose();
        return next;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            first.Dispose();
            second.Dispose();
        }

        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await first.DisposeAsync();
        await second.DisposeAsync();
        await base.DisposeAsyncCore();
    }

    /// <summary>
    /// The stream cap's refusal, with a retry hint of its own: a concurrency limiter gives none, and the refusing
    /// policy's hint is its request window (a minute, an hour) though a slot frees as soon as a stream ends.
    /// </summary>
    private sealed class RefusedByFirst(RateLimitLease refused) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => refused.MetadataNames.Append(MetadataName.RetryAfter.Name).Distinct();

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (refused.TryGetMetadata(metadataName, out metadata))
            {
                return true;
            }

            metadata = metadataName == MetadataName.RetryAfter.Name ? StreamCapRetry : null;
            return metadata is not null;
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

    private sealed class PairLease(RateLimitLease a, RateLimitLease b) : RateLimitLease
    {
        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => a.MetadataNames.Concat(b.MetadataNames).Distinct();

        public override bool TryGetMetadata(string metadataName, out object? metadata) =>
            a.TryGetMetadata(metadataName, out metadata) || b.TryGetMetadata(metadataName, out metadata);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                a.Dispose();
                b.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
