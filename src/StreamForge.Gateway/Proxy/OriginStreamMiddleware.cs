using Microsoft.AspNetCore.Http.Features;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Routing;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// For requests YARP forwards to HTTP origins: applies the route policy's body-size limit (YARP streams the
/// body; Kestrel enforces the limit as it arrives), paces and counts body bytes by route, and has the gateway copy
/// the response body of a request without one (<see cref="OriginResponseCopy"/>).
/// </summary>
internal sealed class OriginStreamMiddleware(RequestDelegate next, GatewayMetrics metrics, LiveStreams streams, StreamThrottles throttles, CopyOutcomeResponder outcomes)
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

        if (HopByHopHeaders.AnswerHere(context) is { } answeredHere)
        {
            await answeredHere;
            return;
        }

        RequestBodyLimit.Apply(context, limit);
        if (OriginRangeGuard.Apply(context, policy.Range) is { } answered)
        {
            await answered;
            return;
        }

        var path = context.Request.Path.Value ?? "/";
        // A request body is a stream of its own (an upload in progress on the status page). Most requests have none,
        // and theirs is left alone: metering an empty body was per-request work for nothing.
        var hasBody = HasBody(context);
        if (hasBody)
        {
            RequestBodyRate.Apply(context, policy.Upload);
        }

        using var requestThrottle = hasBody ? throttles.Acquire(context, routeId, policy, StreamDirection.ProxyRequest) : null;
        using var upload = hasBody
            ? streams.Begin(context, routeId, path, StreamDirection.ProxyRequest, context.Request.ContentLength, policy.Throttle)
            : null;
        if (requestThrottle is not null && upload is not null)
        {
            // The route's stall timeout, as for uploads into storage: YARP's ActivityTimeout (100 s by default) ended a
            // body that stopped only then, and with a bare 408.
            context.Request.Body = new MeteredReadStream(context.Request.Body, requestThrottle, upload.Meter, policy.Buffer.StallTimeout);
        }

        using var responseThrottle = throttles.Acquire(context, routeId, policy, StreamDirection.ProxyResponse);
        using var download = streams.Begin(context, routeId, path, StreamDirection.ProxyResponse, null, policy.Throttle);
        // The answer to a request without a body is copied by the gateway, into the response body as it is (OriginResponseCopy
        // meters and paces that copy itself).
        var copy = hasBody ? null : new OriginResponseCopy(context.Features.GetRequiredFeature<IHttpResponseBodyFeature>(), policy.Buffer, responseThrottle, download.Meter);
        if (copy is not null)
        {
            context.Features.Set(copy);
        }

        // YARP copies the answer to a request with a body.
        await using var responseBody = hasBody
            ? MeteredOriginBody.Over(context.Response.Body, context, routeId, metrics, policy.Buffer, responseThrottle, download.Meter)
            : null;
        if (responseBody is not null)
        {
            context.Response.Body = responseBody;
        }

        context.Features.Get<AccessLogRecord>()?.UpstreamStarted();
        var clientBody = context.Response.Body;
        await next(context);
        if (copy?.Result is { } result)
        {
            await outcomes.RespondAsync(context, routeId, path, "the origin", result);
        }

        // A range emulation's window (or the metered body) must not swallow an error answer written now.
        context.Response.Body = clientBody;
        await ForwarderErrorResponder.WriteIfFailedAsync(context);
    }

    /// <summary>
    /// What the server knows from the request's framing: in HTTP/1.1 a Content-Length above zero or chunked coding, in
    /// HTTP/2 and HTTP/3 a HEADERS frame that did not end the stream (a body there needs no Content-Length).
    /// </summary>
    private static bool HasBody(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
        ?? (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0);
}
