using System.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// What RFC 9110 asks of an intermediary that YARP leaves out: the fields a message's <c>Connection</c> header names
/// are hop-by-hop and go no further, in either direction (section 7.6.1; YARP removes only its fixed list), and a
/// forwarded request says it passed through a gateway with <c>Via</c> (section 7.6.3).
/// </summary>
internal static class HopByHopHeaders
{
    /// <summary>The <c>received-by</c> pseudonym (section 7.6.3 allows one in place of a host name).</summary>
    public const string ViaName = "streamforge";

    public static ValueTask ApplyToRequestAsync(RequestTransformContext transform)
    {
        var request = transform.HttpContext.Request;
        foreach (var name in ConnectionOptions(request.Headers.Connection))
        {
            transform.ProxyRequest.Headers.Remove(name);
            transform.ProxyRequest.Content?.Headers.Remove(name);
        }

        transform.ProxyRequest.Headers.Via.Add(new ViaHeaderValue(ProtocolVersion(request.Protocol), ViaName));
        return ValueTask.CompletedTask;
    }

    public static ValueTask ApplyToResponseAsync(ResponseTransformContext transform)
    {
        if (transform.ProxyResponse is { } response && response.Headers.Connection.Count > 0)
        {
            foreach (var name in response.Headers.Connection)
            {
                transform.HttpContext.Response.Headers.Remove(name);
            }
        }

        return ValueTask.CompletedTask;
    }

    private static IEnumerable<string> ConnectionOptions(Microsoft.Extensions.Primitives.StringValues connection) =>
        connection.Count == 0
            ? []
            : connection.SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    /// <summary>"HTTP/1.1" as Via writes it: "1.1" (the protocol name is left out for HTTP).</summary>
    private static string ProtocolVersion(string protocol) =>
        protocol.StartsWith("HTTP/", StringComparison.OrdinalIgnoreCase) ? protocol[5..] : protocol;
}
