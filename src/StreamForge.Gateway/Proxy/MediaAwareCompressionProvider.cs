using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;
using StreamForge.Gateway.Configuration;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// ASP.NET Core's response compression decides by media type (text only: manifests, subtitles, JSON; never media)
/// and never compresses a ranged response (Content-Range). Kept here: bodies over
/// <c>StreamForge:Compression:MaxBodySize</c> are sent as they are, since compressing them would cost CPU on a path
/// meant for large bodies and would hide the Content-Length players use.
/// </summary>
internal sealed class MediaAwareCompressionProvider(IServiceProvider services, IOptions<ResponseCompressionOptions> options, GatewaySettings settings)
    : IResponseCompressionProvider
{
    private readonly ResponseCompressionProvider _inner = new(services, options);

    public ICompressionProvider? GetCompressionProvider(HttpContext context) => _inner.GetCompressionProvider(context);

    /// <summary>
    /// Whether the request accepts a coding the gateway can produce. The framework's own check is only "an
    /// Accept-Encoding header is present", so it also wraps the response of a request that accepts nothing but
    /// identity, as browsers' media elements send on every range request (<c>identity;q=1, *;q=0</c>). The wrapper can
    /// never compress such a response, yet every body byte then takes a second copy through its pipe adapter and one
    /// more chunk of memory. Such a request is answered as one without the header is, by the framework too: no wrapper
    /// and no <c>Vary</c> (RFC 9110 section 12.5.3: the client accepts only the identity coding). With compression
    /// turned off, no request gets the wrapper.
    /// </summary>
    public bool CheckRequestAcceptsCompression(HttpContext context) =>
        settings.Compression.Enabled && _inner.CheckRequestAcceptsCompression(context) && _inner.GetCompressionProvider(context) is not null;

    public bool ShouldCompressResponse(HttpContext context)
    {
        var compression = settings.Compression;
        return compression.Enabled && !(context.Response.ContentLength > compression.MaxBodySize) && _inner.ShouldCompressResponse(context);
    }
}
