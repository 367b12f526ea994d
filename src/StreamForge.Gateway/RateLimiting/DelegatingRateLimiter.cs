using System.Threading.RateLimiting;

namespace StreamForge.Gateway.RateLimiting;

/// <summary>A limiter that adds to another's answers (<see cref="RetryClock"/>, <see cref="RedisOutageTolerantLimiter"/>) and owns it.</summary>
internal abstract class DelegatingRateLimiter(RateLimiter inner) : RateLimiter
{
    protected RateLimiter Inner { get; } = inner;

    public override TimeSpan? IdleDuration => Inner.IdleDuration;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await Inner.DisposeAsync();
        await base.DisposeAsyncCore();
    }
}
