namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// One request <see cref="CachingOrigin"/> received and what it answered. Taken while the response may still be
/// going: <see cref="Complete"/> says whether all of it was handed to Kestrel.
/// </summary>
/// <param name="Method">The request method.</param>
/// <param name="Path">The request path (with its query, if any).</param>
/// <param name="Range">The Range header, or null.</param>
/// <param name="IfNoneMatch">The If-None-Match header, or null.</param>
/// <param name="IfModifiedSince">The If-Modified-Since header, or null.</param>
/// <param name="IfMatch">The If-Match header, or null.</param>
/// <param name="IfRange">The If-Range header, or null.</param>
/// <param name="Authorization">Whether the request carried an Authorization header.</param>
/// <param name="Variant">The value of the resource's <see cref="CachingOriginResource.VaryBy"/> header, or null.</param>
/// <param name="Status">The status answered (0 while not decided yet).</param>
/// <param name="BodyBytes">Body bytes handed to Kestrel so far.</param>
/// <param name="Complete">The whole response was handed to Kestrel.</param>
/// <param name="Aborted">The client went away (or the origin stopped) before that.</param>
/// <param name="TraceParent">The W3C traceparent header, or null.</param>
/// <param name="TraceState">The W3C tracestate header, or null.</param>
/// <param name="CacheControl">The Cache-Control header, or null.</param>
internal sealed record CachingOriginRequest(
    string Method,
    string Path,
    string? Range,
    string? IfNoneMatch,
    string? IfModifiedSince,
    string? IfMatch,
    string? IfRange,
    bool Authorization,
    string? Variant,
    int Status,
    long BodyBytes,
    bool Complete,
    bool Aborted,
    string? TraceParent = null,
    string? TraceState = null,
    string? CacheControl = null);
