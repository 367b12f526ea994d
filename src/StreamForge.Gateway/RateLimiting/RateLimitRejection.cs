using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Errors;

namespace StreamForge.Gateway.RateLimiting;

/// <summary>Answers a refused request: 429 with Retry-After, or 503 when a fail-closed policy cannot reach Redis.</summary>
internal static class RateLimitRejection
{
    // RedisRateLimiting reports Retry-After as whole seconds under this name, the in-memory limiters as a TimeSpan.
    private const string RedisRetryAfterName = "RETRY_AFTER";

    public static async ValueTask WriteAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        if (rejected.Lease.TryGetMetadata(RedisOutageTolerantLimiter.OutageMetadataName, out _))
        {
            await ProblemResponder.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.RateLimiterUnavailable,
                "the shared rate limiter is unreachable and this route fails closed", headers => headers.RetryAfter = "1");
            return;
        }

        var seconds = RetryAfterSeconds(rejected.Lease, context).ToString(CultureInfo.InvariantCulture);
        await ProblemResponder.WriteAsync(context, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
            "too many requests from this client on this route", headers => headers.RetryAfter = seconds);
    }

    private static int RetryAfterSeconds(RateLimitLease lease, HttpContext context)
    {
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            return Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        }

        if (lease.TryGetMetadata(RedisRetryAfterName, out var seconds) && seconds is int whole)
        {
            return Math.Max(1, whole);
        }

        return Math.Max(1, (int)Math.Ceiling(PolicyHint(context).TotalSeconds));
    }

    /// <summary>
    /// When the limiter gives no hint (the in-memory sliding window never does): no permit comes back before the next
    /// segment of a sliding window slides out, nor before a fixed window or a token period ends. A refused concurrent
    /// stream may go as soon as another ends: one second. A hint of 1 s for a 60 s window made clients retry 60 times.
    /// </summary>
    private static TimeSpan PolicyHint(HttpContext context)
    {
        var name = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        if (name is null || !context.RequestServices.GetRequiredService<GatewaySettings>().RateLimits.TryGetValue(name, out var policy))
        {
            return TimeSpan.FromSeconds(1);
        }

        return policy.Kind switch
        {
            RateLimitKind.SlidingWindow => policy.Window / policy.SegmentsPerWindow,
            RateLimitKind.FixedWindow or RateLimitKind.TokenBucket => policy.Window,
            _ => TimeSpan.FromSeconds(1),
        };
    }
}
