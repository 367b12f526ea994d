using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Routing;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// For requests YARP forwards to HTTP origins: applies the route policy's body-size limit (YARP streams the
/// body; Kestrel enforces the limit as it arrives) and counts body bytes by route.
/// </summary>
internal sealed class OriginStreamMiddleware(RequestDelegate next, GatewayMetrics metrics, StreamThrottles throttles)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var route = context.GetResolvedRoute();
        var routeId = route.RouteId;
        var policy = route.Policy;
        var limit = policy.Upload.MaxBodySize;
        if (context.Request.ContentLength > limit)
        {
            await ProblemResponder.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.UploadTooLarge,
                $"the body is larger than this route's limit ({limit} bytes)");
            return;
        }

        if (OriginRangeGuard.Apply(context, policy.Range) is { } answered)
        {
            await answered;
            return;
        }

        using var requestThrottle = throttles.Acquire(context, routeId, policy, StreamDirection.ProxyRequest);
        using var responseThrottle = throttles.Acquire(context, routeId, policy, StreamDirection.ProxyResponse);
        context.Request.Body = new MeteredReadStream(
            context.Request.Body, requestThrottle, new StreamMeter(metrics, routeId, StreamDirection.ProxyRequest),
            // YARP's ActivityTimeout (per cluster) bounds a stalled request body on origin routes.
            Timeout.InfiniteTimeSpan);
        await using var responseBody = new MeteredWriteStream(
            context.Response.Body,
            policy.Buffer.StallTimeout,
            responseThrottle,
            new StreamMeter(metrics, routeId, StreamDirection.ProxyResponse),
            () =>
            {
                metrics.StreamAborted(routeId, "stalled");
                context.Abort();
            });
        context.Response.Body = responseBody;
        metrics.StreamStarted(routeId, StreamDirection.ProxyResponse.Name);
        try
        {
            await next(context);
            await ForwarderErrorResponder.WriteIfFailedAsync(context);
        }
        finally
        {
            metrics.StreamEnded(routeId, StreamDirection.ProxyResponse.Name);
        }
    }
}
