namespace StreamForge.Gateway.RateLimiting;

/// <summary>What a distributed policy does while Redis cannot be reached.</summary>
internal enum RedisOutageMode
{
    /// <summary>Let requests through (availability first); each outage is logged.</summary>
    FailOpen,

    /// <summary>Refuse requests with 503 <c>rate_limiter_unavailable</c> (protection first).</summary>
    FailClosed,
}
