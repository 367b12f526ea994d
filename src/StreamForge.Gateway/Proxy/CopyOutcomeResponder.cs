using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Storage;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Proxy;

/// <summary>The one place where a download's <see cref="CopyResult"/> becomes what the client sees.</summary>
internal sealed class CopyOutcomeResponder(GatewayMetrics metrics, ILogger<CopyOutcomeResponder> logger)
{
    public Task RespondAsync(StorageRequest request, CopyResult result) =>
        RespondAsync(request.Context, request.RouteId, request.Key.Value, "storage", result);

    /// <param name="target">The storage key, or the request path on origin routes (for the log).</param>
    /// <param name="upstream">What the bytes came from, as the error answer names it: "storage" or "the origin".</param>
    public Task RespondAsync(HttpContext context, string routeId, string target, string upstream, CopyResult result)
    {
        if (result.IsSuccess)
        {
            return Task.CompletedTask;
        }

        var reason = result.Outcome.ToString().ToLowerInvariant();
        metrics.StreamAborted(routeId, reason);
        context.Features.Get<AccessLogRecord>()?.ErrorCode ??= reason;
        if (result.Outcome is CopyOutcome.Canceled or CopyOutcome.DestinationFailed)
        {
            GatewayLog.ClientLeftStream(logger, routeId, target, result.BytesCopied, reason, result.Error);
        }
        else
        {
            GatewayLog.StreamEndedEarly(logger, routeId, target, result.BytesCopied, reason, result.Error);
        }

        if (result.Outcome == CopyOutcome.SourceFailed && !context.Response.HasStarted)
        {
            return result.Error is StorageException { Kind: StorageErrorKind.Timeout } timeout
                ? StorageErrorResponder.WriteAsync(context, timeout)
                : ProblemResponder.WriteAsync(context, StatusCodes.Status502BadGateway, ErrorCodes.UpstreamFailed,
                    $"{upstream} failed before the first byte was sent");
        }

        if (result.Outcome == CopyOutcome.SourceStalled && !context.Response.HasStarted)
        {
            return StorageErrorResponder.WriteRetryableAsync(context, StatusCodes.Status504GatewayTimeout, ErrorCodes.UpstreamTimeout,
                $"{upstream} sent nothing for the stall timeout before the first byte was sent");
        }

        // After the status line went out, a clean end would make a truncated body look whole: cut the connection.
        context.Abort();
        return Task.CompletedTask;
    }
}
