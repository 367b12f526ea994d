using System.Text;
using Yarp.ReverseProxy.Forwarder;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// YARP's client for each origin cluster, sending request field values as Latin-1 unless the cluster's
/// <c>HttpClient:RequestHeaderEncoding</c> names another encoding. Kestrel reads them as Latin-1 too
/// (GatewayApplication.cs), so a value with obs-text (RFC 9110 section 5.5, e.g. raw UTF-8 in a custom header or a
/// Referer) reaches the origin byte for byte; HttpClient's default, ASCII only, failed the forward with a 502.
/// </summary>
internal sealed class OriginHttpClientFactory(ILogger<ForwarderHttpClientFactory> logger) : ForwarderHttpClientFactory(logger)
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.RequestHeaderEncodingSelector ??= (_, _) => Encoding.Latin1;
    }
}
