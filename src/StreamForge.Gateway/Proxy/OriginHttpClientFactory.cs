using System.Text;
using Yarp.ReverseProxy.Forwarder;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// YARP's client for each origin cluster, sending and reading field values as Latin-1, as Kestrel reads and writes
/// them on the client side (GatewayApplication.cs): a value with obs-text (RFC 9110 section 5.5, e.g. raw UTF-8 in a
/// Referer or in a Content-Disposition file name) passes byte for byte both ways. HttpClient's default sent only
/// ASCII (the forward failed with a 502). A cluster's <c>HttpClient:RequestHeaderEncoding</c> or
/// <c>ResponseHeaderEncoding</c> would decode bytes a second time; start-up refuses them (ProxyConfigCheck.cs).
/// </summary>
internal sealed class OriginHttpClientFactory(ILogger<ForwarderHttpClientFactory> logger) : ForwarderHttpClientFactory(logger)
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1;
        handler.ResponseHeaderEncodingSelector = (_, _) => Encoding.Latin1;
    }
}
