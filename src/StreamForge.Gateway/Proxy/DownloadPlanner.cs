using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// Applies RFC 9110 to a download: preconditions first (section 13.2.2), then If-Range and Range
/// (sections 13.1.5, 14.2), against the object's metadata. The decisions themselves live in Ranges/.
/// </summary>
internal static class DownloadPlanner
{
    public static bool NeedsMetadataFirst(HttpRequest request) =>
        HttpMethods.IsHead(request.Method)
        || request.Headers.Range.Count > 0
        || request.Headers.IfMatch.Count > 0
        || request.Headers.IfNoneMatch.Count > 0
        || request.Headers.IfModifiedSince.Count > 0
        || request.Headers.IfUnmodifiedSince.Count > 0;

    /// <summary>
    /// The span of a GET whose only download header is one closed range no longer than a slice: storage can answer
    /// it in one call with the metadata, and nothing needs deciding first. Null for anything else.
    /// </summary>
    public static ByteSpan? SingleSeek(HttpRequest request, RangePolicy policy)
    {
        var headers = request.Headers;
        if (!HttpMethods.IsGet(request.Method) || headers.Range.Count != 1 || headers.IfRange.Count > 0 || headers.IfMatch.Count > 0
            || headers.IfNoneMatch.Count > 0 || headers.IfModifiedSince.Count > 0 || headers.IfUnmodifiedSince.Count > 0)
        {
            return null;
        }

        return RangeHeaderParser.Parse(headers.Range.ToString()) is [{ First: { } first, Last: { } last }] && last - first < policy.SliceSize
            ? new ByteSpan(first, last)
            : null;
    }

    public static DownloadPlan Plan(HttpRequest request, ObjectInfo info, RangePolicy policy)
    {
        var headers = request.Headers;
        var conditions = new ConditionalHeaders(
            HttpSyntax.FieldValue(headers.IfMatch), HttpSyntax.FieldValue(headers.IfNoneMatch),
            HttpSyntax.FieldValue(headers.IfModifiedSince), HttpSyntax.FieldValue(headers.IfUnmodifiedSince));
        var none = Array.Empty<ByteSpan>();
        switch (ConditionalRequestEvaluator.Evaluate(conditions, isGetOrHead: true, info.ETag, info.LastModified))
        {
            case ConditionalOutcome.NotModified:
                return new DownloadPlan(DownloadPlanKind.NotModified, none, "not_modified");
            case ConditionalOutcome.PreconditionFailed:
                return new DownloadPlan(DownloadPlanKind.PreconditionFailed, none, "precondition_failed");
        }

        // Ranges apply to GET only (a HEAD answers like an unranged GET), and only while If-Range holds.
        if (!HttpMethods.IsGet(request.Method) || headers.Range.Count == 0
            || !IfRangeEvaluator.RangeApplies(HttpSyntax.FieldValue(headers.IfRange), info.ETag, info.LastModified))
        {
            return new DownloadPlan(DownloadPlanKind.Full, none, "full");
        }

        var specs = RangeHeaderParser.Parse(headers.Range.ToString());
        var decision = RangeNormalizer.Normalize(specs, info.Length, policy.Limits);
        return decision.Kind switch
        {
            RangeDecisionKind.Single => new DownloadPlan(DownloadPlanKind.Single, decision.Spans, KindOf(specs!), OpenEnded: specs is [{ SuffixLength: null, Last: null }]),
            RangeDecisionKind.Multiple => new DownloadPlan(DownloadPlanKind.Multiple, decision.Spans, "multi"),
            RangeDecisionKind.Unsatisfiable => new DownloadPlan(DownloadPlanKind.Unsatisfiable, none, "unsatisfiable", decision.Abusive),
            _ => new DownloadPlan(DownloadPlanKind.Full, none, decision.Abusive ? "abusive" : "full", decision.Abusive),
        };
    }

    private static string KindOf(IReadOnlyList<RangeSpec> specs) => specs.Count > 1 ? "multi" : specs[0] switch
    {
        { SuffixLength: not null } => "suffix",
        { Last: null } => "open_ended",
        _ => "single",
    };
}
