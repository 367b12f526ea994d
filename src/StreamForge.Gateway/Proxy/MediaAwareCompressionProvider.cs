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

    public bool CheckRequestAcceptsCompression(HttpContext context) => _inner.CheckRequestAcceptsCompression(context);

    public bool ShouldCompressResponse(HttpContext context)
    {
        var compression = settings.Compression;
        return compression.Enabled && !(context.Response.ContentLength > compression.MaxBodySize) && _inner.ShouldCompressResponse(context);
    }
}
