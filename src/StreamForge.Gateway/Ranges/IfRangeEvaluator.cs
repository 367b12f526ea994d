namespace StreamForge.Gateway.Ranges;

/// <summary>
/// If-Range (RFC 9110 section 13.1.5): "send me the range if the representation is unchanged, otherwise all
/// of it". A false condition never fails the request; the caller just ignores Range and sends 200.
/// </summary>
internal static class IfRangeEvaluator
{
    /// <summary>
    /// Whether the Range header should be honoured. Call it only when Range is present: section 13.1.5 says an
    /// If-Range without Range is ignored. An absent field (null) holds; an empty one is no validator and does not.
    /// </summary>
    /// <param name="ifRange">The raw If-Range field value, or null.</param>
    /// <param name="etag">The representation's quoted entity-tag.</param>
    /// <param name="lastModified">The representation's modification time (compared at one-second resolution); null when it has none, which no date matches.</param>
    public static bool RangeApplies(string? ifRange, string etag, DateTimeOffset? lastModified)
    {
        if (HttpSyntax.IsAbsent(ifRange))
        {
            return true;
        }

        var text = HttpSyntax.TrimOws(ifRange);
        // Section 13.1.5: an entity-tag is told from an HTTP-date by a DQUOTE within the first three characters.
        if (text.StartsWith("\"") || text.StartsWith("W/\""))
        {
            // Strong comparison only: a weak tag (which a client must not send here) never matches, because
            // splicing a range of one version onto bytes of a semantically-equal other version corrupts the file.
            return EntityTag.TryParse(ifRange, out var validator)
                && EntityTag.TryParse(etag, out var current)
                && validator.StrongMatches(current);
        }

        // An HTTP-date applies only on an exact match with Last-Modified, unlike the "earlier than or equal"
        // rule of If-Unmodified-Since. Garbage is neither form: the condition is false and the caller sends 200.
        return lastModified is { } modified && HttpDate.TryParse(ifRange, out var date) && date == HttpDate.TruncateToSeconds(modified);
    }
}
