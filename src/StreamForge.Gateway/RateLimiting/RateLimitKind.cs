namespace StreamForge.Gateway.RateLimiting;

/// <summary>The algorithms of System.Threading.RateLimiting (and their Redis counterparts) a policy can use.</summary>
internal enum RateLimitKind
{
    FixedWindow,
    SlidingWindow,
    TokenBucket,
    Concurrency,
}
