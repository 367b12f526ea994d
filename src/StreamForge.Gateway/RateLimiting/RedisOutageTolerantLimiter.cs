using System.Threading.RateLimiting;
using StackExchange.Redis;
using StreamForge.Gateway.Diagnostics;

namespace StreamForge.Gateway.RateLimiting;

/// <summary>
/// Wraps a Redis-backed limiter so that a Redis outage follows the policy's choice (fail open or closed)
/// instead of turning every request into a 500.
/// </summary>
internal sealed class RedisOutageTolerantLimiter(RateLimiter inner, RedisConnection redis, RateLimitPolicySettings policy, ILogger logger)
    : DelegatingRateLimiter(inner)
{
    /// <summary>Metadata name carried by leases refused because Redis could not be asked.</summary>
    public const string OutageMetadataName = "STREAMFORGE_REDIS_OUTAGE";

    public override RateLimiterStatistics? GetStatistics() => null;

    // Redis limiters cannot answer synchronously (they always refuse here); the middleware then asks AcquireAsync.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Inner.AttemptAcquire(permitCount);

    /// <summary>How often an outage that goes on is logged again.</summary>
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (redis.IsDown)
        {
            // Known down: answered at once, not after a command timeout per request (fail open cost 1-3 s each).
            return Outage(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "Redis is not connected"));
        }

        try
        {
            return await Inner.AcquireAsync(permitCount, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return Outage(ex);
        }
    }

    private OutageLease Outage(Exception error)
    {
        if (redis.ShouldReport(policy.Name, ReportEvery))
        {
            GatewayLog.RedisUnavailable(logger, policy.Name, policy.RedisOutage.ToString(), error);
        }

        return policy.RedisOutage == RedisOutageMode.FailOpen ? OutageLease.Allowed : OutageLease.Refused;
    }

    private sealed class OutageLease(bool acquired) : RateLimitLease
    {
        public static readonly OutageLease Allowed = new(true);
        public static readonly OutageLease Refused = new(false);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [OutageMetadataName];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == OutageMetadataName ? true : null;
            return metadata is not null;
        }
    }
}
