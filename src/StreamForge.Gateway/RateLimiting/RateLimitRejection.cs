using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using StreamForge.Gateway.Errors;

namespace StreamForge.Gateway.RateLimiting;

/// <summary>Answers a refused request: 429 with Retry-After, or 503 when a fail-closed policy cannot reach Redis.</summary>
internal static class RateLimitRejection
{
    // RedisRateLimiting (1.2) reports the seconds left of a fixed window under this name, as an int; the in-memory
    // limiters (RetryClock) a TimeSpan under MetadataName.RetryAfter. Its sliding window and token bucket give none.
    private const string RedisRetryAfterName = "RATELIMIT_RETRYAFTER";

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

    internal static int RetryAfterSeconds(RateLimitLease lease, HttpContext context)
    {
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            return Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        }

        if (lease.TryGetMetadata(RedisRetryAfterName, out var seconds) && seconds is int or long)
        {
            // Its window ends on a whole second and the figure is truncated: one more second, or a client that waits
            // exactly that long is refused once more.
            return (int)Math.Clamp(Convert.ToInt64(seconds, CultureInfo.InvariantCulture) + 1, 1, int.MaxValue);
        }

        return Math.Max(1, (int)Math.Ceiling(PolicyHint(context).TotalSeconds));
    }

    /// <summary>When the limiter gives no hint (the in-memory sliding window never does), the refusing policy's own.</summary>
    private static TimeSpan PolicyHint(HttpContext context)
    {
        var name = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        return name is not null && context.RequestServices.GetService<RateLimitPolicyCatalog>()?.Find(name) is { } policy
            ? policy.RetryHint
            : TimeSpan.FromSeconds(1);
    }
}
