using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;
using StreamForge.Gateway.Configuration;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// ASP.NET Core's response compression decides by media type (text only: manifests, subtitles, JSON; never media)
/// and never compresses a ranged response (Content-Range). Kept here: bodies over
/// <c>StreamForge:Compression:MaxBodySize</c> are sent as they are, since compressing them would cost CPU on a path
/// meant for large bodies and would hide the Content-Length players use.
/// </summary>
internal sealed class MediaAwareCompressionProvider(IServiceProvider services, IOptions<ResponseCompressionOptions> options, GatewaySettingsSource settings)
    : IResponseCompressionProvider
{
    /// <summary>The codings the gateway produces, in its order of preference (Hosting/DeliveryExtensions.cs registers them).</summary>
    public static readonly Type[] ProviderTypes = [typeof(BrotliCompressionProvider), typeof(GzipCompressionProvider)];

    private readonly ResponseCompressionProvider _inner = new(services, options);
    private readonly HashSet<string> _compressible = new(options.Value.MimeTypes ?? [], StringComparer.OrdinalIgnoreCase);
    private readonly ICompressionProvider[] _providers = [.. ProviderTypes.Select(type => (ICompressionProvider)ActivatorUtilities.CreateInstance(services, type))];

    /// <summary>
    /// The framework's choice, unless the client refused that coding by name: it counts <c>*</c> for every coding, so
    /// <c>br;q=0, *</c> got br. RFC 9110 section 12.5.3: <c>*</c> matches the codings not listed, and q=0 is "not
    /// acceptable" (section 12.4.2); then the most wanted coding the client did not refuse, if any.
    /// </summary>
    public ICompressionProvider? GetCompressionProvider(HttpContext context)
    {
        var chosen = _inner.GetCompressionProvider(context);
        if (chosen is null || !StringWithQualityHeaderValue.TryParseList(context.Request.Headers.AcceptEncoding, out var accepted)
            || QualityOf(accepted, chosen.EncodingName) > 0)
        {
            return chosen;
        }

        return _providers
            .Select(provider => (Provider: provider, Quality: QualityOf(accepted, provider.EncodingName)))
            .Where(candidate => candidate.Quality > 0)
            .OrderByDescending(candidate => candidate.Quality)
            .Select(candidate => candidate.Provider)
            .FirstOrDefault();
    }

    /// <summary>The quality the client gives <paramref name="coding"/>: by name when listed, else by <c>*</c>, else none.</summary>
    private static double QualityOf(IList<StringWithQualityHeaderValue> accepted, string coding)
    {
        var entry = accepted.FirstOrDefault(entry => entry.Value.Equals(coding, StringComparison.OrdinalIgnoreCase))
            ?? accepted.FirstOrDefault(entry => entry.Value.Equals("*", StringComparison.Ordinal));
        return entry is null ? 0 : entry.Quality ?? 1;
    }

    /// <summary>
    /// Whether the response gets the compression wrapper. The framework's own check is only "an Accept-Encoding header
    /// is present", and the wrapper, once in place, costs every body byte a second copy through its pipe adapter and
    /// one more chunk of memory, even for a body it then leaves alone. So it is kept off what will never be compressed:
    /// requests that accept no coding the gateway produces (browsers' media elements send <c>identity;q=1, *;q=0</c>
    /// on every range request), range requests (a ranged answer is never compressed), and paths whose extension names
    /// a type outside the compressible list (the segments hls.js and dash.js fetch with <c>gzip, deflate, br</c>).
    /// Such a response goes out as to a client without the header, by the framework too: no <c>Vary</c>, which costs
    /// nothing here (a cache that keeps the uncompressed answer for everyone serves a body every client accepts).
    /// With compression turned off, no response gets the wrapper.
    /// </summary>
    public bool CheckRequestAcceptsCompression(HttpContext context) =>
        settings.Current.Compression.Enabled
        && context.Request.Headers.Range.Count == 0
        && !NamesIncompressibleType(context.Request.Path)
        && _inner.CheckRequestAcceptsCompression(context)
        && _inner.GetCompressionProvider(context) is not null;

    /// <summary>
    /// A 304 has no body, so the framework never decides on compression for it; RFC 9110 section 15.4.5 still wants the
    /// ETag and Vary that a 200 to the same request would carry, and a cache freshens its compressed copy by that ETag
    /// (RFC 9111 section 4.3.4). Call with the type and length the 200 would have.
    /// </summary>
    public void DescribeNotModified(HttpContext context, string? contentType, long length)
    {
        if (!CheckRequestAcceptsCompression(context) || length == 0 || length > settings.Current.Compression.MaxBodySize || contentType is null
            || !MediaTypeHeaderValue.TryParse(contentType, out var type) || !_compressible.Contains(type.MediaType.ToString())
            || ForbidsTransform(context.Response))
        {
            return;
        }

        var headers = context.Response.Headers;
        headers.Append(HeaderNames.Vary, HeaderNames.AcceptEncoding);
        if (EntityTagHeaderValue.TryParse(headers.ETag.ToString(), out var tag) && !tag.IsWeak)
        {
            headers.ETag = new EntityTagHeaderValue(tag.Tag, isWeak: true).ToString();
        }

        // As the compressed 200 (ShouldCompressResponse): a cache freshening its copy by this 304 takes its fields.
        headers.Remove(HeaderNames.AcceptRanges);
    }

    /// <summary>
    /// An origin's 304 to a revalidation of a compressed copy: the origin compared the client's weak tag weakly and
    /// answered with its own strong one, which names the identity body, and without <c>Vary</c>. A 304 carries no type
    /// to decide by, so the request tells: it asks with <c>W/"x"</c> only (the tag the gateway gave the compressed
    /// 200) and the origin answers <c>"x"</c>; then the 304 gets the weak tag and <c>Vary</c> the 200 had (RFC 9110
    /// section 15.4.5), or a cache freshening its compressed copy by that 304 would take the identity body's tag.
    /// </summary>
    public static ValueTask DescribeOriginNotModifiedAsync(ResponseTransformContext transform)
    {
        var context = transform.HttpContext;
        var response = context.Response;
        if (response.StatusCode == StatusCodes.Status304NotModified
            && EntityTagHeaderValue.TryParse(response.Headers.ETag.ToString(), out var tag) && !tag.IsWeak
            && EntityTagHeaderValue.TryParseList(context.Request.Headers.IfNoneMatch, out var asked)
            && asked.Any(candidate => candidate.IsWeak && candidate.Tag == tag.Tag)
            && !asked.Any(candidate => !candidate.IsWeak && candidate.Tag == tag.Tag)
            && !ForbidsTransform(response)
            && context.RequestServices.GetRequiredService<MediaAwareCompressionProvider>().CheckRequestAcceptsCompression(context))
        {
            response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptEncoding);
            response.Headers.ETag = new EntityTagHeaderValue(tag.Tag, isWeak: true).ToString();
            response.Headers.Remove(HeaderNames.AcceptRanges);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>A path such as <c>/media/seg-1.m4s</c>: its stored or origin type is media too, whatever its key.</summary>
    /// <remarks>Compared without parameters, as the framework compares response types: <c>text/vtt; charset=utf-8</c> is compressible.</remarks>
    private bool NamesIncompressibleType(PathString path) =>
        path.HasValue && settings.Current.MediaTypes.TryGetByExtension(path.Value!, out var type)
        && !_compressible.Contains(MediaTypeHeaderValue.TryParse(type, out var parsed) ? parsed.MediaType.ToString() : type);

    /// <summary>RFC 9110 section 7.7: a proxy must not transform the content of a response marked <c>no-transform</c>.</summary>
    private static bool ForbidsTransform(HttpResponse response) =>
        CacheControlHeaderValue.TryParse(response.Headers.CacheControl.ToString(), out var directives) && directives.NoTransform;

    /// <summary>
    /// Asked once, just before the headers go. A compressed body is another representation, so its entity tag turns
    /// weak (as nginx's gzip does): a strong one would claim byte-for-byte identity with the identity body (RFC 9110
    /// section 8.8.3) and let <c>If-Range</c> splice the two, while a weak one still matches <c>If-None-Match</c>.
    /// Its <c>Accept-Ranges: bytes</c> goes too (as nginx's gzip clears it): ranges are only ever served of the identity
    /// body (a range request is never compressed), so a client resuming the compressed body by offset would splice the
    /// identity body's bytes into it (RFC 9110 section 14.3: the header advertises ranges of the representation sent).
    /// </summary>
    public bool ShouldCompressResponse(HttpContext context)
    {
        var compression = settings.Current.Compression;
        // An empty body stays as it is: the framework leaves a GET's alone (nothing is written), and a HEAD or a 304 must
        // describe that same 200 (RFC 9110 sections 9.3.2 and 15.4.5), not a gzip coding with no length.
        var compress = compression.Enabled && context.Response.ContentLength is not 0 && !(context.Response.ContentLength > compression.MaxBodySize)
            && !ForbidsTransform(context.Response)
            && _inner.ShouldCompressResponse(context);
        if (!compress)
        {
            return false;
        }

        var headers = context.Response.Headers;
        if (EntityTagHeaderValue.TryParse(headers.ETag.ToString(), out var tag) && !tag.IsWeak)
        {
            headers.ETag = new EntityTagHeaderValue(tag.Tag, isWeak: true).ToString();
        }

        headers.Remove(HeaderNames.AcceptRanges);
        return true;
    }
}
