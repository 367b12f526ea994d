using Microsoft.Net.Http.Headers;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Errors;

namespace StreamForge.Gateway.Security;

/// <summary>
/// Refuses request framing that Kestrel tolerates but a strict peer (nginx, an origin behind the gateway) reads
/// differently, the stuff of request smuggling: Transfer-Encoding on HTTP/1.0, whose framing RFC 9112 section 6.1
/// says must be treated as faulty. Runs before routing; the connection is closed after the answer.
/// </summary>
/// <remarks>
/// A Content-Length with a sign (<c>+4</c>) cannot be refused here: Kestrel keeps only the parsed number, so the
/// raw text never reaches middleware. Nothing downstream sees it either: YARP and the stores use the parsed value.
/// </remarks>
internal sealed class RequestFramingGuardMiddleware(RequestDelegate next, ILogger<RequestFramingGuardMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var problem = FindProblem(context.Request);
        if (problem is null)
        {
            return next(context);
        }

        GatewayLog.RejectedFraming(logger, problem);
        // The body's extent is in doubt, so nothing more may be read from this connection.
        context.Response.Headers.Connection = "close";
        return ProblemResponder.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidFraming, problem);
    }

    internal static string? FindProblem(HttpRequest request) =>
        HttpProtocol.IsHttp10(request.Protocol) && request.Headers.ContainsKey(HeaderNames.TransferEncoding)
            ? "Transfer-Encoding is not allowed on HTTP/1.0 requests"
            : null;
}
