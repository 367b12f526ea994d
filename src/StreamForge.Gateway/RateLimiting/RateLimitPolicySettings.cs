using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.RateLimiting;

/// <summary>
/// One named request-rate policy (<c>StreamForge:RateLimits:&lt;name&gt;</c>), referenced by a YARP route's
/// <c>RateLimiterPolicy</c>. Limits are per client (see <see cref="PartitionBy"/>).
/// </summary>
/// <param name="Limit">Permits per window (fixed/sliding), bucket size (token bucket) or concurrent requests (concurrency).</param>
/// <param name="Window">Window length, or the token bucket's replenishment period.</param>
/// <param name="SegmentsPerWindow">Sliding window only.</param>
/// <param name="TokensPerPeriod">Token bucket only.</param>
/// <param name="MaxConcurrentStreams">Optional per-client cap on requests in flight (e.g. 4 downloads), on top of the rate.</param>
/// <param name="Distributed">Count in Redis, so that every gateway instance enforces one shared limit.</param>
internal sealed record RateLimitPolicySettings(
    string Name,
    RateLimitKind Kind,
    int Limit,
    TimeSpan Window,
    int SegmentsPerWindow,
    int TokensPerPeriod,
    int? MaxConcurrentStreams,
    ClientKeyResolver PartitionBy,
    bool Distributed,
    RedisOutageMode RedisOutage)
{
    /// <summary>
    /// When the limiter says nothing (RedisRateLimiting's sliding window and token bucket): by then a permit is surely
    /// back, as the oldest request has left a sliding window and a token period has passed; a refused concurrent stream
    /// may go as soon as another ends (1 s). A hint of 1 s for a 60 s window made clients retry 60 times, and one
    /// segment of a window was too short whenever the requests had come in one segment.
    /// </summary>
    public TimeSpan RetryHint => Kind == RateLimitKind.Concurrency ? TimeSpan.FromSeconds(1) : Window;
}
