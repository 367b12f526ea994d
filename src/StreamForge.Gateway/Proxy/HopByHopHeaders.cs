using Microsoft.AspNetCore.Http.Features;
using System.Net.Http.Headers;
using StreamForge.Gateway.Errors;
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
        if (ForwardsLeft(request) is { } left)
        {
            // Section 7.6.2: each intermediary that forwards OPTIONS or TRACE counts one hop off.
            transform.ProxyRequest.Headers.Remove(MaxForwards);
            transform.ProxyRequest.Headers.TryAddWithoutValidation(MaxForwards, (left - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Requests the gateway answers itself instead of forwarding: TRACE, always (405, as nginx; an origin's echo of
    /// the request reflects its cookies and credentials to a page, XST); CONNECT (405: the gateway is no forward proxy,
    /// and YARP, asked to forward a tunnel to a catch-all route's origin, failed as an origin outage, 502), except an
    /// HTTP/2 extended CONNECT, which is how a WebSocket opens there (RFC 8441); and an OPTIONS with
    /// <c>Max-Forwards: 0</c>, whose last hop this is (section 7.6.2: 200 with the methods the route passes on).
    /// </summary>
    public static Task? AnswerHere(HttpContext context)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsTrace(method)
            || (HttpMethods.IsConnect(method) && context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect != true))
        {
            return ProblemResponder.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, ErrorCodes.MethodNotAllowed,
                $"{method} is not answered or forwarded by this gateway", headers => headers.Allow = RouteMethods);
        }

        return ForwardsLeft(context.Request) == 0 && HttpMethods.IsOptions(context.Request.Method) ? AnswerOptionsAsync(context) : null;
    }

    /// <summary>
    /// <c>OPTIONS *</c> (RFC 9110 section 9.3.7) asks about the server, not a resource: no route matches it, and it is
    /// answered here with the methods the gateway's routes take, not a 404.
    /// </summary>
    public static bool AsksAboutTheServer(HttpContext context) =>
        HttpMethods.IsOptions(context.Request.Method) && context.Features.Get<IHttpRequestFeature>()?.RawTarget == "*";

    public static Task AnswerOptionsAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.Headers.Allow = RouteMethods;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    private const string MaxForwards = "Max-Forwards";

    private const string RouteMethods = "GET, HEAD, OPTIONS, PUT, POST, DELETE, PATCH";

    /// <summary>The Max-Forwards of an OPTIONS or TRACE, when it has a valid one (other methods ignore the field).</summary>
    private static int? ForwardsLeft(HttpRequest request) =>
        (HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
        && int.TryParse(request.Headers[MaxForwards], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var left)
            ? left
            : null;

    public static ValueTask ApplyToResponseAsync(ResponseTransformContext transform)
    {
        if (transform.ProxyResponse is { } response && response.Headers.Connection.Count > 0)
        {
            foreach (var name in response.Headers.Connection.Where(IsOption))
            {
                transform.HttpContext.Response.Headers.Remove(name);
            }
        }

        // RFC 9110 section 8.6: a 204 has no Content-Length. An origin's that says otherwise made Kestrel fail the
        // response (it waits for the bytes the header promised) with a bare 500.
        if (transform.HttpContext.Response.StatusCode == StatusCodes.Status204NoContent)
        {
            transform.HttpContext.Response.Headers.ContentLength = null;
        }

        return ValueTask.CompletedTask;
    }

    private static IEnumerable<string> ConnectionOptions(Microsoft.Extensions.Primitives.StringValues connection) =>
        connection.Count == 0
            ? []
            : connection.SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Where(IsOption);

    /// <summary>Upgrade is YARP's to handle (a WebSocket handshake names it in Connection on both sides).</summary>
    private static bool IsOption(string name) => !name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase);

    /// <summary>"HTTP/1.1" as Via writes it: "1.1" (the protocol name is left out for HTTP).</summary>
    private static string ProtocolVersion(string protocol) =>
        protocol.StartsWith("HTTP/", StringComparison.OrdinalIgnoreCase) ? protocol[5..] : protocol;
}
