namespace StreamForge.Gateway.RateLimiting;

/// <summary>The configured policies by name (read once at start-up), for answers that need more than the limiter's lease.</summary>
internal sealed class RateLimitPolicyCatalog(IReadOnlyDictionary<string, RateLimitPolicySettings> policies)
{
    public RateLimitPolicySettings? Find(string name) => policies.GetValueOrDefault(name);
}
