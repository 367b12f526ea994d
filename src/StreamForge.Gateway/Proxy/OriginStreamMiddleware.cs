using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Routing;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// For requests YARP forwards to HTTP origins: applies the route policy's body-size limit (YARP streams the
/// body; Kestrel enforces the limit as it arrives) and counts body bytes by route.
/// </summary>
internal sealed class OriginStreamMiddleware(RequestDelegate next, GatewayMetrics metrics, LiveStreams streams, StreamThrottles throttles)
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
        var path = context.Request.Path.Value ?? "/";
        // A request body is a stream of its own (an upload in progress on the status page); most requests have none.
        using var upload = HasBody(context.Request)
            ? streams.Begin(context, routeId, path, StreamDirection.ProxyRequest, context.Request.ContentLength, policy.Throttle)
            : null;
        context.Request.Body = new MeteredReadStream(
            context.Request.Body, requestThrottle, upload?.Meter ?? new StreamMeter(metrics, routeId, StreamDirection.ProxyRequest),
            // YARP's ActivityTimeout (per cluster) bounds a stalled request body on origin routes.
            Timeout.InfiniteTimeSpan);
        using var download = streams.Begin(context, routeId, path, StreamDirection.ProxyResponse, null, policy.Throttle);
        await using var responseBody = new MeteredWriteStream(
            context.Response.Body,
            policy.Buffer.StallTimeout,
            responseThrottle,
            download.Meter,
            () =>
            {
                metrics.StreamAborted(routeId, "stalled");
                context.Features.Get<AccessLogRecord>()?.ErrorCode ??= "stalled";
                context.Abort();
            });
        context.Response.Body = responseBody;
        context.Features.Get<AccessLogRecord>()?.UpstreamStarted();
        await next(context);
        await ForwarderErrorResponder.WriteIfFailedAsync(context);
    }

    private static bool HasBody(HttpRequest request) => request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
}
