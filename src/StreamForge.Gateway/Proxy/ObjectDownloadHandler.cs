using Microsoft.Net.Http.Headers;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Storage;
using StreamForge.Gateway.Streaming;
using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Proxy;

/// <summary>GET and HEAD on a storage route: headers from the object, body through the copy loop.</summary>
internal sealed class ObjectDownloadHandler(
    GatewayMetrics metrics, StreamThrottles throttles, CopyOutcomeResponder outcomes, ILogger<ObjectDownloadHandler> logger)
{
    private static readonly StreamDirection Direction = StreamDirection.Download;

    public async Task HandleAsync(StorageRequest request)
    {
        var context = request.Context;
        var aborted = context.RequestAborted;
        var isHead = HttpMethods.IsHead(context.Request.Method);
        try
        {
            if (isHead)
            {
                var info = await request.Store.HeadAsync(request.Key, aborted);
                if (info is null)
                {
                    await NotFoundAsync(request);
                    return;
                }

                WriteHeaders(context.Response, request.Key, info);
                return;
            }

            await using var content = await request.Store.OpenReadAsync(request.Key, span: null, ifMatch: null, aborted);
            if (content is null)
            {
                await NotFoundAsync(request);
                return;
            }

            WriteHeaders(context.Response, request.Key, content.Info);
            await SendBodyAsync(request, content);
        }
        catch (StorageException ex)
        {
            GatewayLog.StorageFailed(logger, request.RouteId, request.Key.Value, ex.Kind.ToString(), ex);
            await StorageErrorResponder.WriteAsync(context, ex);
        }
    }

    private async Task SendBodyAsync(StorageRequest request, ObjectContent content)
    {
        var buffer = request.Policy.Buffer;
        using var throttle = throttles.Acquire(request.Context, request.RouteId, request.Policy, Direction);
        var options = new CopyOptions(
            buffer.ChunkSize,
            buffer.StallTimeout,
            content.Span?.Length ?? content.Info.Length,
            throttle,
            new StreamMeter(metrics, request.RouteId, Direction));
        metrics.StreamStarted(request.RouteId, Direction.Name);
        try
        {
            var result = await StreamCopier.CopyAsync(content.Body, request.Context.Response.Body, options, request.Context.RequestAborted);
            await outcomes.RespondAsync(request, result);
        }
        finally
        {
            metrics.StreamEnded(request.RouteId, Direction.Name);
        }
    }

    private static void WriteHeaders(HttpResponse response, ObjectKey key, ObjectInfo info)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentLength = info.Length;
        response.ContentType = ContentTypes.For(key.Value, info.ContentType);
        response.Headers.ETag = info.ETag;
        response.Headers.LastModified = HeaderUtilities.FormatDate(info.LastModified);
        response.Headers.AcceptRanges = "bytes";
    }

    private static Task NotFoundAsync(StorageRequest request) =>
        ProblemResponder.WriteAsync(request.Context, StatusCodes.Status404NotFound, ErrorCodes.ObjectNotFound,
            $"no object '{request.Key}' on route '{request.RouteId}'");
}
