using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using StreamForge.Gateway.RateLimiting;
using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.Tests.RateLimiting;

/// <summary>
/// Retry-After is the time until a permit is back, not the window's length. The windows are an hour long, so that the
/// limiters' own replenishment timers never fire while a test runs; the clock the hint is computed on is moved by hand.
/// </summary>
public sealed class RetryClockTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_fixed_window_refusal_waits_for_the_end_of_the_window()
    {
        var policy = Policy(RateLimitKind.FixedWindow, limit: 2);
        using var limiter = new RetryClock(new FixedWindowRateLimiter(new() { PermitLimit = 2, Window = policy.Window, QueueLimit = 0 }), policy, _time);
        limiter.AttemptAcquire().Dispose();
        limiter.AttemptAcquire().Dispose();
        _time.Advance(TimeSpan.FromMinutes(45));

        using var refused = limiter.AttemptAcquire();

        Assert.False(refused.IsAcquired);
        Assert.Equal(TimeSpan.FromMinutes(15), RetryAfter(refused)); // .NET's own says the whole hour
    }

    [Fact]
    public void A_token_bucket_refusal_waits_for_the_next_period()
    {
        var policy = Policy(RateLimitKind.TokenBucket, limit: 1);
        using var limiter = new RetryClock(new TokenBucketRateLimiter(new()
        {
            TokenLimit = 1, TokensPerPeriod = 1, ReplenishmentPeriod = policy.Window, QueueLimit = 0,
        }), policy, _time);
        limiter.AttemptAcquire().Dispose();
        _time.Advance(TimeSpan.FromMinutes(50));

        using var refused = limiter.AttemptAcquire();

        Assert.Equal(TimeSpan.FromMinutes(10), RetryAfter(refused));
    }

    [Fact]
    public void A_sliding_window_refusal_waits_until_the_oldest_permit_slides_out()
    {
        // Four 15-minute segments: permits taken in the first segment come back when the window has passed it.
        var policy = Policy(RateLimitKind.SlidingWindow, limit: 2);
        using var limiter = new RetryClock(new SlidingWindowRateLimiter(new()
        {
            PermitLimit = 2, Window = policy.Window, SegmentsPerWindow = 4, QueueLimit = 0,
        }), policy, _time);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        _time.Advance(TimeSpan.FromMinutes(20));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        _time.Advance(TimeSpan.FromMinutes(10));

        using var refused = limiter.AttemptAcquire();

        Assert.False(refused.IsAcquired);
        Assert.Equal(TimeSpan.FromMinutes(25), RetryAfter(refused)); // 60 - 35; one segment (15) was the old hint
    }

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : throw new InvalidOperationException("no Retry-After");

    private static RateLimitPolicySettings Policy(RateLimitKind kind, int limit) =>
        new("test", kind, limit, TimeSpan.FromHours(1), SegmentsPerWindow: 4, TokensPerPeriod: 1, MaxConcurrentStreams: null,
            ClientKeyResolver.ByRemoteAddress, Distributed: false, RedisOutageMode.FailOpen);
}
