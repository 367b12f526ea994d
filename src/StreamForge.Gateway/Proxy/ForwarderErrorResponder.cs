using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Streaming;
using Yarp.ReverseProxy.Forwarder;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// YARP answers an origin it could not reach (refused, reset before the response, an invalid response, a timeout)
/// with a bare 502 or 504. Before any byte went out, give it the same problem+json body and stable code as storage
/// errors, so a browser player can read what happened; after that, YARP has already cut the connection.
/// </summary>
internal static class ForwarderErrorResponder
{
    public static Task WriteIfFailedAsync(HttpContext context)
    {
        if (context.Features.Get<IForwarderErrorFeature>() is not { } failure)
        {
            return Task.CompletedTask;
        }

        if (context.Response.HasStarted)
        {
            // YARP copied the body (a request with a body, an emulated range) and cut the connection: the access log
            // says why, as it does for the bodies the gateway copies itself (Proxy/CopyOutcomeResponder.cs).
            context.Features.Get<AccessLogRecord>()?.ErrorCode ??= failure.Error switch
            {
                ForwarderError.ResponseBodyDestination => "sourcefailed", // YARP's destination is the origin.
                ForwarderError.ResponseBodyClient => "destinationfailed",
                ForwarderError.ResponseBodyCanceled => context.RequestAborted.IsCancellationRequested ? "canceled" : "sourcestalled", // Else the cluster's ActivityTimeout.
                _ => failure.Error.ToString().ToLowerInvariant(),
            };
            return Task.CompletedTask;
        }

        if (failure.Exception.FindInChain<BadHttpRequestException>() is { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            // The client's body crossed Upload:MaxBodySize on its way (Proxy/RequestBodyLimit.cs): YARP calls that a client error (400).
            return ProblemResponder.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.UploadTooLarge,
                "the body crossed this route's size limit");
        }

        if (failure.Exception.FindInChain<BadHttpRequestException>() is { StatusCode: StatusCodes.Status408RequestTimeout })
        {
            // Kestrel cut off a body arriving slower than Upload:MinBytesPerSecond (Proxy/RequestBodyRate.cs).
            return ProblemResponder.WriteAsync(context, StatusCodes.Status408RequestTimeout, ErrorCodes.UploadTooSlow,
                "the body arrived slower than this route's minimum data rate");
        }

        if (failure.Exception.FindInChain<StreamStalledException>() is { WhileReading: true } stalled)
        {
            // The client's body delivered nothing for the route's StallTimeout (OriginStreamMiddleware's metered body),
            // answered as on storage routes; the rest of the body may never come, so Kestrel closes the connection.
            return ProblemResponder.WriteAsync(context, StatusCodes.Status408RequestTimeout, ErrorCodes.UploadStalled,
                $"{stalled.Message}, this route's stall timeout");
        }

        if (context.Response.StatusCode is not (StatusCodes.Status502BadGateway or StatusCodes.Status504GatewayTimeout))
        {
            return Task.CompletedTask;
        }

        return failure.Error == ForwarderError.RequestTimedOut
            ? StorageErrorResponder.WriteRetryableAsync(context, StatusCodes.Status504GatewayTimeout, ErrorCodes.UpstreamTimeout,
                "the origin did not answer within the cluster's activity timeout")
            : ProblemResponder.WriteAsync(context, StatusCodes.Status502BadGateway, ErrorCodes.UpstreamFailed,
                $"the origin could not be reached or sent an invalid response ({failure.Error})");
    }
}
