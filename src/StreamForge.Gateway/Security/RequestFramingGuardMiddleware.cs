using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Errors;

namespace StreamForge.Gateway.Security;

/// <summary>
/// Refuses request framing that Kestrel tolerates but a strict peer (nginx, an origin behind the gateway) reads
/// differently, the stuff of request smuggling: Transfer-Encoding on HTTP/1.0, whose framing RFC 9112 section 6.1
/// says must be treated as faulty; Transfer-Encoding beside Content-Length (answered 400 as nginx does, rather than
/// read by the former and forwarded with the latter renamed); and transfer codings other than one chunked, which
/// Kestrel drops while it passes the still-coded bytes on as the content (RFC 9112 section 6.1: 501; section 7:
/// chunked at most once). Runs before routing; the connection is closed after the answer.
/// </summary>
/// <remarks>
/// A Content-Length with a sign (<c>+4</c>) cannot be refused here: Kestrel keeps only the parsed number, so the
/// raw text never reaches middleware. Nothing downstream sees it either: YARP and the stores use the parsed value.
/// </remarks>
internal sealed class RequestFramingGuardMiddleware(RequestDelegate next, ILogger<RequestFramingGuardMiddleware> logger)
{
    /// <summary>Where Kestrel puts a Content-Length it received beside Transfer-Encoding (it frames by the latter).</summary>
    private const string RenamedContentLength = "X-Content-Length";

    public Task InvokeAsync(HttpContext context)
    {
        if (FindProblem(context.Request) is not { } problem)
        {
            return next(context);
        }

        GatewayLog.RejectedFraming(logger, problem.Detail);
        // The body's extent is in doubt, so nothing more may be read from this connection.
        context.Response.Headers.Connection = "close";
        return ProblemResponder.WriteAsync(context, problem.Status, problem.Code, problem.Detail);
    }

    internal static FramingProblem? FindProblem(HttpRequest request)
    {
        // An http(s) URI has a host (RFC 9110 section 4.2.1: a recipient MUST reject one without). Kestrel accepts an empty
        // Host, and YARP then sent origins its own Host beside the client's empty one: two Host lines, which a strict
        // origin must refuse and a lenient one may read either way. nginx answers 400 too.
        if (request.Headers.Host is [var host] && string.IsNullOrWhiteSpace(host))
        {
            return new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidHost, "the Host header is empty");
        }

        if (HttpProtocol.IsHttp2(request.Protocol) || HttpProtocol.IsHttp3(request.Protocol))
        {
            return MultiplexedProblem(request);
        }

        var transferEncoding = request.Headers.TransferEncoding;
        if (transferEncoding.Count == 0)
        {
            return null;
        }

        if (HttpProtocol.IsHttp10(request.Protocol))
        {
            return new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidFraming, "Transfer-Encoding is not allowed on HTTP/1.0 requests");
        }

        if (request.Headers.ContainsKey(RenamedContentLength))
        {
            return new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidFraming, "a request has Content-Length or Transfer-Encoding, not both");
        }

        var codings = transferEncoding.SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        if (codings.Any(coding => !coding.Equals("chunked", StringComparison.OrdinalIgnoreCase)))
        {
            return new(StatusCodes.Status501NotImplemented, ErrorCodes.TransferCodingUnsupported, $"the transfer coding '{string.Join(", ", codings)}' is not implemented: only chunked is");
        }

        return codings.Count > 1
            ? new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidFraming, "chunked is applied more than once")
            : null;
    }

    /// <summary>
    /// HTTP/2 and HTTP/3 frame bodies themselves: a request there that carries a connection-specific field is malformed
    /// (RFC 9113 section 8.2.2, RFC 9114 section 4.2), and one without an authority names no http(s) resource (RFC 9113
    /// section 8.3.1). Kestrel served them (a PUT with Transfer-Encoding was stored, one beside Content-Length forwarded
    /// chunked); refused here with 400 on that stream alone, the connection's other streams going on. Kestrel itself
    /// ends the connection for Connection and TE other than trailers, before any middleware.
    /// </summary>
    private static FramingProblem? MultiplexedProblem(HttpRequest request)
    {
        if (request.Headers.Host.Count == 0)
        {
            return new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidHost, "the request has no :authority");
        }

        foreach (var name in ConnectionSpecificFields)
        {
            if (request.Headers.ContainsKey(name))
            {
                return new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidFraming, $"{name} is a connection-specific field, malformed in {request.Protocol}");
            }
        }

        return null;
    }

    private static readonly string[] ConnectionSpecificFields = ["Transfer-Encoding", "Keep-Alive", "Proxy-Connection", "Upgrade", "Connection"];
}
