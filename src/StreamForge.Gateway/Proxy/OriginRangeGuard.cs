using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// Checks a Range header before YARP forwards it to an origin: an unparsable one is dropped (RFC 9110 section
/// 14.2: the origin then answers 200, as if it had ignored it), and an abusive set (CVE-2011-3192) is dropped or
/// refused per the route's policy, so a weak origin never sees it. The origin's own 206/416/304 pass through.
/// </summary>
internal static class OriginRangeGuard
{
    // The origin's length is unknown here: a length no real object reaches lets the normaliser judge count and
    // overlap. "Adding up to more than the object" is left to the origin, which knows its length.
    private const long UnknownLength = long.MaxValue / 4;

    /// <summary>Returns a task when the request was answered here; null to forward it.</summary>
    public static Task? Apply(HttpContext context, RangePolicy policy)
    {
        var headers = context.Request.Headers;
        if (headers.Range.Count == 0)
        {
            return null;
        }

        var specs = RangeHeaderParser.Parse(headers.Range.ToString());
        var decision = specs is null ? RangeDecision.Full : RangeNormalizer.Normalize(specs, UnknownLength, policy.Limits);
        if (specs is not null && !decision.Abusive)
        {
            OriginRangeEmulation.Remember(context, specs);
            return null;
        }

        if (decision.Kind == RangeDecisionKind.Unsatisfiable)
        {
            return ProblemResponder.WriteAsync(context, StatusCodes.Status416RangeNotSatisfiable, ErrorCodes.RangeNotSatisfiable,
                "the range set is refused (too many or overlapping ranges)");
        }

        headers.Remove("Range");
        headers.Remove("If-Range");
        return null;
    }
}
