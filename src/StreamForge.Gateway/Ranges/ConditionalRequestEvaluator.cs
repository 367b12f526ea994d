namespace StreamForge.Gateway.Ranges;

/// <summary>
/// Evaluates If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since in the order of RFC 9110
/// section 13.2.2 against the selected representation. If-Range is separate (<see cref="IfRangeEvaluator"/>)
/// because it never fails a request; it only decides whether Range applies (step 5).
/// </summary>
internal static class ConditionalRequestEvaluator
{
    /// <param name="headers">The request's precondition fields.</param>
    /// <param name="isGetOrHead">Whether the method is GET or HEAD: only those get 304, and only they read If-Modified-Since.</param>
    /// <param name="etag">The representation's quoted entity-tag (e.g. <see cref="Storage.ObjectInfo.ETag"/>).</param>
    /// <param name="lastModified">
    /// The representation's modification time, compared at one-second resolution; null when it has none, and then
    /// If-Unmodified-Since and If-Modified-Since are ignored (RFC 9110 sections 13.1.4 and 13.1.3).
    /// </param>
    public static ConditionalOutcome Evaluate(ConditionalHeaders headers, bool isGetOrHead, string etag, DateTimeOffset? lastModified)
    {
        ArgumentNullException.ThrowIfNull(headers);
        // An unparsable stored tag leaves the default, which no request tag matches.
        _ = EntityTag.TryParse(etag, out var current);
        DateTimeOffset? modified = lastModified is { } date ? HttpDate.TruncateToSeconds(date) : null;

        // Step 1: If-Match, strong comparison (RFC 9110 section 13.1.1).
        if (!HttpSyntax.IsAbsent(headers.IfMatch))
        {
            if (!AnyTagMatches(headers.IfMatch, current, strong: true))
            {
                return ConditionalOutcome.PreconditionFailed;
            }
        }
        // Step 2: If-Unmodified-Since, only without If-Match and only when it is a valid date (section 13.1.4).
        else if (modified is not null && HttpDate.TryParse(headers.IfUnmodifiedSince, out var unmodifiedSince) && modified > unmodifiedSince)
        {
            return ConditionalOutcome.PreconditionFailed;
        }

        // Step 3: If-None-Match, weak comparison (section 13.1.2); a match means "you already have it".
        if (!HttpSyntax.IsAbsent(headers.IfNoneMatch))
        {
            if (AnyTagMatches(headers.IfNoneMatch, current, strong: false))
            {
                return isGetOrHead ? ConditionalOutcome.NotModified : ConditionalOutcome.PreconditionFailed;
            }
        }
        // Step 4: If-Modified-Since, only for GET/HEAD without If-None-Match and with a valid date (section 13.1.3).
        else if (isGetOrHead && modified is not null && HttpDate.TryParse(headers.IfModifiedSince, out var modifiedSince) && modified <= modifiedSince)
        {
            return ConditionalOutcome.NotModified;
        }

        return ConditionalOutcome.Proceed;
    }

    /// <summary>
    /// <c>"*" / #entity-tag</c>. "*" matches because a representation exists (the caller has one). A value that
    /// does not parse matches nothing: If-Match then fails closed (412 rather than acting on an unconfirmed
    /// version) and If-None-Match falls back to sending the representation, the safe outcome for both. An
    /// unparseable current entity-tag likewise matches nothing but "*".
    /// </summary>
    private static bool AnyTagMatches(string? fieldValue, EntityTag? current, bool strong)
    {
        if (fieldValue is null)
        {
            return false;
        }

        if (HttpSyntax.TrimOws(fieldValue).SequenceEqual("*"))
        {
            return true;
        }

        if (current is null || !EntityTag.TryParseList(fieldValue, out var tags))
        {
            return false;
        }

        foreach (var tag in tags)
        {
            if (strong ? tag.StrongMatches(current) : tag.WeakMatches(current))
            {
                return true;
            }
        }

        return false;
    }
}
