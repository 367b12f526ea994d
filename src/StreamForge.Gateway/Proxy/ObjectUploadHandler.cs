using Microsoft.AspNetCore.Connections;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Storage;
using StreamForge.Gateway.Streaming;
using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Proxy;

/// <summary>PUT on a storage route: admitted by <see cref="UploadGate"/>, then the body streams into the store.</summary>
internal sealed class ObjectUploadHandler(GatewayMetrics metrics, LiveStreams streams, StreamThrottles throttles, PipeStage pipes, ILogger<ObjectUploadHandler> logger)
{
    private static readonly StreamDirection Direction = StreamDirection.Upload;

    public async Task HandleAsync(StorageRequest request)
    {
        var context = request.Context;
        if (!await UploadGate.AdmitAsync(request))
        {
            return;
        }

        // Before the preconditions: RFC 9110 section 13.2.1 evaluates them only for a request that would otherwise
        // succeed, and a malformed digest is a 400 whatever the stored object is (nor does it cost a storage HEAD).
        var checksums = ExpectedChecksum.FromHeaders(context.Request.Headers, out var checksumProblem);
        if (checksumProblem is not null)
        {
            await ProblemResponder.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidChecksum, checksumProblem);
            return;
        }

        if (await WritePreconditions.CheckAsync(request) is not { Proceed: true } admission)
        {
            return;
        }

        await StoreAsync(request, admission, context.Request.Body, context.Request.ContentLength, context.Request.ContentType, checksums,
            KeptHeaders.Of(context.Request.Headers));
    }

    /// <summary>
    /// The type stored with the object: the client's, else the route's media map for the key's extension (config/README.md,
    /// MediaTypes), so that an upload without a type is stored as the gateway serves it. Left to the store, S3's SDK
    /// guessed from a map of its own (<c>.m3u8</c> as <c>application/x-mpegURL</c>, <c>.ts</c> as <c>video/MP2T</c>).
    /// </summary>
    private static string StoredType(StorageRequest request, string? contentType) =>
        string.IsNullOrWhiteSpace(contentType) ? request.Route.MediaTypes.For(request.Key.Value, null) : contentType;

    /// <summary>
    /// The request's own path, every segment escaped whole (RFC 3986 section 2.4): a key holding "%41" is served at
    /// ".../%2541", and <see cref="PathString.ToUriComponent()"/> leaves what already looks escaped as it is.
    /// </summary>
    private static string LocationOf(HttpRequest request) =>
        request.PathBase.ToUriComponent() + string.Join('/', (request.Path.Value ?? string.Empty).Split('/').Select(Uri.EscapeDataString));

    /// <summary>Streams <paramref name="source"/> (a PUT body, or the file part of a form) into the store, all or nothing.</summary>
    /// <param name="declared">The source's length when known; null for chunked bodies and form parts.</param>
    /// <param name="admission">What the precondition check learnt: whether this write creates the object (201) or replaces it (200).</param>
    /// <param name="headers">Representation headers the store keeps with the object (a PUT's; a form part's own are the form's).</param>
    public async Task StoreAsync(
        StorageRequest request, WriteAdmission admission, Stream source, long? declared, string? contentType, IReadOnlyList<ExpectedChecksum> checksums,
        IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    {
        var context = request.Context;
        using var throttle = throttles.Acquire(context, request.RouteId, request.Policy, Direction);
        var stallTimeout = request.Policy.Buffer.StallTimeout;
        using var live = streams.Begin(context, request.RouteId, request.Key.Value, Direction, declared, request.Policy.Throttle);
        await using var metered = new MeteredReadStream(source, throttle, live.Meter, stallTimeout);
        var verifier = checksums.Count > 0 ? new VerifyingReadStream(metered, declared, checksums) : null;
        Stream body = verifier ?? (Stream)metered;

        var chunkSize = request.Policy.Buffer.ChunkSize;
        var upload = new UploadSource(body, declared, StoredType(request, contentType), chunkSize, request.Policy.Upload, stallTimeout, headers);
        try
        {
            var info = request.Policy.Upload.Pipe is { } pipe
                ? await pipes.RunAsync(pipe, body, declared, chunkSize,
                    output => request.Store.PutAsync(request.Key, upload with { Body = output, Length = null, ContentType = pipe.ContentType ?? upload.ContentType }, context.RequestAborted),
                    context.RequestAborted)
                : await request.Store.PutAsync(request.Key, upload, context.RequestAborted);
            GatewayLog.UploadStored(logger, request.RouteId, request.Key.Value, info.Length);
            metrics.UploadEnded(request.RouteId, "stored");
            context.Response.StatusCode = admission.SuccessStatus;
            if (context.Response.StatusCode == StatusCodes.Status201Created)
            {
                // Section 15.3.2: the created resource; a POST's target is the key too, so it is the request's own path.
                context.Response.Headers.Location = LocationOf(context.Request);
            }

            context.Response.Headers.ETag = info.ETag;
            await context.Response.WriteAsJsonAsync(new UploadReceipt(request.Key.Value, info.Length, info.ETag), context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // The client-side cause outranks however storage reported it: a bad digest, then a bad body.
            var cause = verifier?.Mismatch is { } header ? new ChecksumMismatchException(header) : metered.ReadFailure ?? ex;
            if (ClientLeft(context, metered.ReadFailure))
            {
                // Storage saw the body end (the SDK calls that a failed send): the client's doing, not storage's.
                Canceled(request, live.Bytes, metered.ReadFailure);
                return;
            }

            GatewayLog.UploadFailed(logger, request.RouteId, request.Key.Value, cause);
            metrics.StreamAborted(request.RouteId, "upload_failed");
            metrics.UploadEnded(request.RouteId, "failed");
            await RespondToFailureAsync(context, cause);
        }
        catch (OperationCanceledException)
        {
            Canceled(request, live.Bytes, null);
        }
    }

    /// <summary>The client reset its connection mid-body (a bad body, cut short, too large or stalled, is answered instead).</summary>
    private static bool ClientLeft(HttpContext context, Exception? readFailure) =>
        context.RequestAborted.IsCancellationRequested || readFailure.FindInChain<ConnectionResetException>() is not null;

    private void Canceled(StorageRequest request, long bytesReceived, Exception? error)
    {
        GatewayLog.ClientLeftStream(logger, request.RouteId, request.Key.Value, bytesReceived, "canceled", error);
        metrics.StreamAborted(request.RouteId, "canceled");
        metrics.UploadEnded(request.RouteId, "canceled");
        request.Context.Features.Get<AccessLogRecord>()?.ErrorCode ??= "canceled";
    }

    private static Task RespondToFailureAsync(HttpContext context, Exception ex)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            return Task.CompletedTask; // The client is gone; nobody is left to answer.
        }

        if (ex.FindInChain<PipeFailedException>() is { } pipeFailure)
        {
            return ProblemResponder.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, ErrorCodes.PipeFailed,
                $"{pipeFailure.Message}; nothing was stored");
        }

        if (ex.FindInChain<ChecksumMismatchException>() is { } mismatch)
        {
            return ProblemResponder.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.ChecksumMismatch,
                $"{mismatch.Message}; nothing was stored");
        }

        if (ex.FindInChain<StreamStalledException>() is { WhileReading: true } stalled)
        {
            return ProblemResponder.WriteAsync(context, StatusCodes.Status408RequestTimeout, ErrorCodes.UploadStalled,
                $"{stalled.Message}, this route's stall timeout; nothing was stored");
        }

        // Kestrel's verdict on the request body (too large, ended early, too slow) outranks how storage saw it.
        if (ex.FindInChain<BadHttpRequestException>() is { } badBody)
        {
            return badBody.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => ProblemResponder.WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
                    ErrorCodes.UploadTooLarge, "the body crossed this route's size limit; nothing was stored"),
                StatusCodes.Status408RequestTimeout => ProblemResponder.WriteAsync(context, StatusCodes.Status408RequestTimeout,
                    ErrorCodes.UploadTooSlow, "the body arrived slower than this route's minimum data rate; nothing was stored"),
                _ => ProblemResponder.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.UploadIncomplete,
                    $"the body could not be read ({badBody.Message}); nothing was stored"),
            };
        }

        if (ex is StorageException storage)
        {
            return StorageErrorResponder.WriteAsync(context, storage);
        }

        return ProblemResponder.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.UploadIncomplete,
            "the body ended before it was complete; nothing was stored");
    }
}
