using System.Threading.RateLimiting;
using RedisRateLimiting;

namespace StreamForge.Gateway.RateLimiting;

/// <summary>Creates the limiter of one client's partition of a policy: in memory, or in Redis when distributed.</summary>
internal sealed class RateLimiterFactory(RedisConnection redis, RedisLeaseKeeper leases, TimeProvider time, ILogger<RateLimiterFactory> logger)
{
    public RateLimiter Create(RateLimitPolicySettings policy, string partitionKey)
    {
        var limiter = policy.Distributed ? Tolerant(CreateRedis(policy, partitionKey), policy)
            : policy.Kind is RateLimitKind.Concurrency ? CreateLocal(policy)
            : new RetryClock(CreateLocal(policy), policy, time);
        if (policy.MaxConcurrentStreams is not { } streams)
        {
            return limiter;
        }

        RateLimiter concurrency = policy.Distributed
            ? Tolerant(new RedisStreamSlots(redis, leases, partitionKey, streams), policy)
            : new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = streams, QueueLimit = 0 });
        // Concurrency first: its permits come back when a lease is disposed, so a request refused by the stream
        // cap costs no rate permit (the middleware tries AttemptAcquire, then AcquireAsync).
        return new ChainedRateLimiter(concurrency, limiter);
    }

    private RedisOutageTolerantLimiter Tolerant(RateLimiter limiter, RateLimitPolicySettings policy) => new(limiter, redis, policy, logger);

    // QueueLimit 0 everywhere: a gateway answers 429 at once rather than holding requests (and their sockets) in a queue.
    private static RateLimiter CreateLocal(RateLimitPolicySettings policy) => policy.Kind switch
    {
        RateLimitKind.FixedWindow => new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = policy.Limit,
            Window = policy.Window,
            QueueLimit = 0,
        }),
        RateLimitKind.SlidingWindow => new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = policy.Limit,
            Window = policy.Window,
            SegmentsPerWindow = policy.SegmentsPerWindow,
            QueueLimit = 0,
        }),
        RateLimitKind.TokenBucket => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = policy.Limit,
            TokensPerPeriod = policy.TokensPerPeriod,
            ReplenishmentPeriod = policy.Window,
            QueueLimit = 0,
        }),
        _ => new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = policy.Limit, QueueLimit = 0 }),
    };

    private RateLimiter CreateRedis(RateLimitPolicySettings policy, string key) => policy.Kind switch
    {
        RateLimitKind.FixedWindow => new RedisFixedWindowRateLimiter<string>(key, new RedisFixedWindowRateLimiterOptions
        {
            PermitLimit = policy.Limit,
            Window = policy.Window,
            ConnectionMultiplexerFactory = () => redis.Multiplexer,
        }),
        RateLimitKind.SlidingWindow => new RedisSlidingWindowRateLimiter<string>(key, new RedisSlidingWindowRateLimiterOptions
        {
            PermitLimit = policy.Limit,
            Window = policy.Window,
            ConnectionMultiplexerFactory = () => redis.Multiplexer,
        }),
        RateLimitKind.TokenBucket => new RedisTokenBucketRateLimiter<string>(key, new RedisTokenBucketRateLimiterOptions
        {
            TokenLimit = policy.Limit,
            TokensPerPeriod = policy.TokensPerPeriod,
            ReplenishmentPeriod = policy.Window,
            ConnectionMultiplexerFactory = () => redis.Multiplexer,
        }),
        // Not RedisRateLimiting's concurrency limiter: its script keeps a permit 60 s in Redis, so a request longer than
        // that (a stream) stopped counting. Slots are renewed while held, and put back when Redis lost them.
        _ => new RedisStreamSlots(redis, leases, "concurrency:" + key, policy.Limit),
    };
}
