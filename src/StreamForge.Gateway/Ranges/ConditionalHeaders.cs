namespace StreamForge.Gateway.Ranges;

/// <summary>
/// The raw precondition fields of a request (RFC 9110 section 13.1), null when absent. A field sent on several
/// lines is passed combined with commas (RFC 9110 section 5.3), as StringValues.ToString() does: right for the
/// entity-tag lists, and a date field with several members is then invalid and ignored, as sections 13.1.3
/// and 13.1.4 require.
/// </summary>
internal sealed record ConditionalHeaders(string? IfMatch, string? IfNoneMatch, string? IfModifiedSince, string? IfUnmodifiedSince)
{
    public static ConditionalHeaders None { get; } = new(null, null, null, null);
}
