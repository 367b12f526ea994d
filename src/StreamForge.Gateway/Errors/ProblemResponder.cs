using StreamForge.Gateway.Diagnostics;
using Yarp.ReverseProxy.Model;

namespace StreamForge.Gateway.Errors;

/// <summary>Writes RFC 9457 problem responses with the gateway's stable <c>code</c> extension.</summary>
internal static class ProblemResponder
{
    public static Task WriteAsync(HttpContext context, int status, string code, string detail, Action<IHeaderDictionary>? addHeaders = null)
    {
        if (context.Response.HasStarted)
        {
            // Too late for a status: the only honest signal left is to cut the connection.
            context.Abort();
            return Task.CompletedTask;
        }

        RecordRejection(context, code);
        if (context.Features.Get<AccessLogRecord>() is { } record)
        {
            record.ErrorCode = code;
        }

        // CORS headers were set for this response by the CORS middleware; a browser can read the error only with them.
        var cors = context.Response.Headers.Where(header => header.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)
            || header.Key.Equals("Vary", StringComparison.OrdinalIgnoreCase)).ToList();
        context.Response.Clear();
        foreach (var (name, value) in cors)
        {
            context.Response.Headers[name] = value;
        }

        if (HasUnreadBody(context.Request) && HttpProtocol.IsHttp11(context.Request.Protocol))
        {
            // Otherwise Kestrel would drain (read and discard) the rest of a refused upload, however large.
            context.Response.Headers.Connection = "close";
        }

        addHeaders?.Invoke(context.Response.Headers);

        return Results.Problem(
                statusCode: status,
                detail: detail,
                extensions: new Dictionary<string, object?> { ["code"] = code })
            .ExecuteAsync(context);
    }

    /// <summary>Every refusal is counted by route and code: the metric of "requests rejected by reason".</summary>
    private static void RecordRejection(HttpContext context, string code)
    {
        var routeId = context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.RouteId ?? "none";
        context.RequestServices.GetService<GatewayMetrics>()?.RequestRejected(routeId, code);
    }

    private static bool HasUnreadBody(HttpRequest request) =>
        request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
}
