using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace StreamForge.Gateway.RateLimiting;

/// <summary>A configured policy as ASP.NET Core sees it: one partition (limiter) per client key.</summary>
internal sealed class GatewayRateLimiterPolicy(RateLimitPolicySettings settings, RateLimiterFactory factory) : IRateLimiterPolicy<string>
{
    // Rejections are answered by the global handler (RateLimitRejection), the same for every policy.
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => null;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        // The policy name is part of the key: Redis keys of two policies must never collide.
        var key = $"streamforge:{settings.Name}:{settings.PartitionBy.Resolve(httpContext)}";
        return RateLimitPartition.Get(key, partitionKey => factory.Create(settings, partitionKey));
    }
}
