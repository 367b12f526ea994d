using System.Globalization;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Resumable;
using StreamForge.Gateway.Routing;
using StreamForge.Gateway.Storage;
using StreamForge.Gateway.Storage.S3;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// The tus requests that carry bytes: creation (with or without a first body) and PATCH. A body streams through the
/// route's throttle and stall timer into the store, which keeps every byte received; the upload's lock makes a
/// concurrent PATCH wait for nothing (423).
/// </summary>
internal sealed class TusWriter(ResumableUploads uploads, GatewayMetrics metrics, LiveStreams streams, StreamThrottles throttles, ILogger<TusWriter> logger)
{
    private static readonly StreamDirection Direction = StreamDirection.Upload;

    public async Task CreateAsync(HttpContext context, ResolvedRoute route, IResumableStore resumable, string? keyPath)
    {
        var policy = route.Policy.Resumable;
        var headers = context.Request.Headers;
        long? length = null;
        if (headers.TryGetValue(TusHeaders.UploadLength, out var lengthHeader))
        {
            // tus creation: a request carries one of the two, and Upload-Defer-Length only when the length is deferred.
            if (headers.ContainsKey(TusHeaders.UploadDeferLength))
            {
                await BadRequestAsync(context, "send Upload-Length or Upload-Defer-Length, not both");
                return;
            }

            if (ParseLength(lengthHeader) is not { } declared)
            {
                await BadRequestAsync(context, "Upload-Length is not a non-negative number");
                return;
            }

            length = declared;
        }
        else if (headers[TusHeaders.UploadDeferLength] != "1")
        {
            await BadRequestAsync(context, "a creation needs Upload-Length, or Upload-Defer-Length: 1");
            return;
        }

        if (length > policy.MaxSize || (length is { } known && PartSizePlanner.ForKnownLength(known, route.Policy.Upload.PartSize) is null))
        {
            await TusHandler.ProblemAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.UploadTooLarge,
                $"the upload ({length} bytes) is larger than this route's limit ({policy.MaxSize} bytes)",
                h => h[TusHeaders.MaxSize] = policy.MaxSize.ToString(CultureInfo.InvariantCulture));
            return;
        }

        var metadata = UploadMetadata.Parse(headers[TusHeaders.UploadMetadata], out var metadataProblem);
        if (metadata is null)
        {
            await BadRequestAsync(context, $"Upload-Metadata: {metadataProblem}");
            return;
        }

        var keyText = string.IsNullOrEmpty(keyPath) && policy.KeyFromFilename ? metadata.GetValueOrDefault("filename") : keyPath;
        if (!ObjectKey.TryCreate(keyText, out var key, out var keyProblem) || ResumableNames.IsReserved(keyText) || !resumable.Accepts(key))
        {
            await TusHandler.ProblemAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidKey,
                keyText is null ? "POST to the object's URL (or, where the route allows it, send a filename in Upload-Metadata)"
                : keyProblem.Length > 0 ? keyProblem
                : ResumableNames.IsReserved(keyText) ? "the key is reserved"
                : "the store cannot hold an object under this key (a folder of it is a file)");
            return;
        }

        var hasBody = context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0;
        if (hasBody && !await CheckContentTypeAsync(context))
        {
            return;
        }

        // creation-with-upload: "similar rules as for the PATCH request" apply to the body, its checksum included.
        var checksum = UploadChecksum.Parse(headers[TusHeaders.UploadChecksum], out var checksumProblem);
        if (checksumProblem is not null)
        {
            await TusHandler.ProblemAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidChecksum, checksumProblem);
            return;
        }

        if (context.Request.ContentLength > (length ?? policy.MaxSize))
        {
            // Refused before the upload exists: a creation answered with an error must leave nothing to expire.
            await TusHandler.ProblemAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.UploadTooLarge,
                $"the body ({context.Request.ContentLength} bytes) is longer than the upload ({length ?? policy.MaxSize} bytes)");
            return;
        }

        var upload = new ResumableUpload
        {
            Id = ResumableNames.NewId(),
            Key = key.Value,
            Length = length,
            Metadata = headers[TusHeaders.UploadMetadata],
            // As for a PUT (ObjectUploadHandler.StoredType): without a type, the one the gateway serves the key's extension as.
            ContentType = MediaTypeOrNull(metadata.GetValueOrDefault("filetype")) ?? MediaTypeOrNull(metadata.GetValueOrDefault("contentType"))
                ?? route.MediaTypes.For(key.Value, null),
            Expires = uploads.Now + policy.Expiration,
            PartSize = length is { } size ? PartSizePlanner.ForKnownLength(size, route.Policy.Upload.PartSize)!.Value : route.Policy.Upload.PartSize,
        };
        await resumable.CreateAsync(upload, context.RequestAborted);
        metrics.ResumableEvent(route.RouteId, "started");

        using var held = uploads.Locks.TryAcquire(upload.Id)!;
        if (hasBody)
        {
            if (await AppendAsync(context, route, resumable, upload, checksum) is not { } appended)
            {
                // The client never learned the upload's URL, so nothing it holds can be resumed: it is removed.
                await DiscardAsync(resumable, upload.Id);
                return;
            }

            upload = appended;
        }

        if (upload.IsComplete && !await CompleteAsync(context, route, resumable, upload))
        {
            return;
        }

        var response = context.Response.Headers;
        response.Location = UploadUrl(context, keyPath, upload.Id);
        response[TusHeaders.Resumable] = TusHeaders.SupportedVersion;
        response[TusHeaders.UploadExpires] = TusHandler.HttpDate(upload.Expires);
        if (hasBody)
        {
            response[TusHeaders.UploadOffset] = upload.Offset.ToString(CultureInfo.InvariantCulture);
        }

        context.Response.StatusCode = StatusCodes.Status201Created;
    }

    public async Task PatchAsync(HttpContext context, ResolvedRoute route, IResumableStore resumable, string id)
    {
        var headers = context.Request.Headers;
        if (!await CheckContentTypeAsync(context))
        {
            return;
        }

        if (ParseLength(headers[TusHeaders.UploadOffset]) is not { } offset)
        {
            await BadRequestAsync(context, "Upload-Offset is required: a non-negative number");
            return;
        }

        var checksum = UploadChecksum.Parse(headers[TusHeaders.UploadChecksum], out var checksumProblem);
        if (checksumProblem is not null)
        {
            await TusHandler.ProblemAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidChecksum, checksumProblem);
            return;
        }

        using var held = uploads.Locks.TryAcquire(id);
        if (held is null)
        {
            await TusHandler.LockedAsync(context, $"upload {id} is being written by another request");
            return;
        }

        if (await TusHandler.LoadLiveAsync(uploads, context, route, resumable, id, held) is not { } upload)
        {
            return;
        }

        if (offset != upload.Offset)
        {
            await TusHandler.ProblemAsync(context, StatusCodes.Status409Conflict, ErrorCodes.OffsetMismatch,
                $"Upload-Offset is {offset} but the upload is at {upload.Offset}; HEAD it and continue from there");
            return;
        }

        if (upload.IsStored)
        {
            await AlreadyStoredAsync(context, upload);
            return;
        }

        if (await WithLengthAsync(context, route, upload) is not { } sized || await AppendAsync(context, route, resumable, sized, checksum) is not { } appended)
        {
            return;
        }

        if (appended.IsComplete && !await CompleteAsync(context, route, resumable, appended))
        {
            return;
        }

        context.Response.Headers[TusHeaders.Resumable] = TusHeaders.SupportedVersion;
        context.Response.Headers[TusHeaders.UploadOffset] = appended.Offset.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers[TusHeaders.UploadExpires] = TusHandler.HttpDate(appended.Expires);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>
    /// A PATCH at the end of an upload that is already stored (its client missed the last response, or retries it):
    /// nothing more fits, so an empty one is answered as done and one with a body as past the upload's length.
    /// </summary>
    private static Task AlreadyStoredAsync(HttpContext context, ResumableUpload upload)
    {
        var offset = upload.Offset.ToString(CultureInfo.InvariantCulture);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            return TusHandler.ProblemAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.UploadTooLarge,
                "the upload is complete and stored; nothing more can be appended", h => h[TusHeaders.UploadOffset] = offset);
        }

        context.Response.Headers[TusHeaders.Resumable] = TusHeaders.SupportedVersion;
        context.Response.Headers[TusHeaders.UploadOffset] = offset;
        context.Response.Headers[TusHeaders.UploadExpires] = TusHandler.HttpDate(upload.Expires);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    /// <summary>Removes an upload whose creation failed (the caller holds its lock), with whatever the store holds of it.</summary>
    private static async Task DiscardAsync(IResumableStore resumable, string id)
    {
        if (await resumable.LoadAsync(id, CancellationToken.None) is { } upload)
        {
            await resumable.DeleteAsync(upload, CancellationToken.None);
        }
    }

    /// <summary>The upload with a deferred length set from this PATCH's Upload-Length; null once a refusal was answered.</summary>
    private static async Task<ResumableUpload?> WithLengthAsync(HttpContext context, ResolvedRoute route, ResumableUpload upload)
    {
        if (!context.Request.Headers.TryGetValue(TusHeaders.UploadLength, out var header))
        {
            return upload;
        }

        var length = ParseLength(header);
        if (length is null || length < upload.Offset || (upload.Length is { } known && known != length))
        {
            await BadRequestAsync(context, "Upload-Length is not a number at or above the offset, or differs from the one already declared");
            return null;
        }

        if (length > route.Policy.Resumable.MaxSize)
        {
            await TusHandler.ProblemAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.UploadTooLarge,
                $"the upload ({length} bytes) is larger than this route's limit ({route.Policy.Resumable.MaxSize} bytes)");
            return null;
        }

        return upload with { Length = length };
    }

    /// <summary>
    /// Streams the request body into the upload. Returns the new state, or null once the response was decided here
    /// (the client left, the checksum did not match, the body went past the upload's length).
    /// </summary>
    private async Task<ResumableUpload?> AppendAsync(HttpContext context, ResolvedRoute route, IResumableStore resumable, ResumableUpload upload, UploadChecksum? checksum)
    {
        var remaining = (upload.Length ?? route.Policy.Resumable.MaxSize) - upload.Offset;
        if (context.Request.ContentLength > remaining)
        {
            await TusHandler.ProblemAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.UploadTooLarge,
                $"the body ({context.Request.ContentLength} bytes) goes past the upload's end ({remaining} bytes remain)");
            return null;
        }

        var buffer = route.Policy.Buffer;
        using var throttle = throttles.Acquire(context, route.RouteId, route.Policy, Direction);
        // A stream like any upload's: on the status page while it runs, and its bytes in the access log line.
        using var live = streams.Begin(context, route.RouteId, upload.Key, Direction, context.Request.ContentLength, route.Policy.Throttle);
        await using var metered = new MeteredReadStream(context.Request.Body, throttle, live.Meter, buffer.StallTimeout);
        Stream limited = new LengthLimitedReadStream(metered, remaining);
        using var hashing = checksum is null ? null : new HashingReadStream(limited, checksum);
        var before = upload.Offset;
        ResumableUpload appended;
        try
        {
            // Each PATCH pushes the expiry out: an upload in progress does not expire under its client.
            var append = new ResumableAppend(hashing ?? limited, hashing is null ? null : hashing.Matches, buffer.ChunkSize, buffer.StallTimeout);
            appended = await resumable.AppendAsync(upload with { Expires = uploads.Now + route.Policy.Resumable.Expiration }, append, context.RequestAborted);
        }
        catch (Exception ex) when (ex is not (StorageException or UploadLockedException))
        {
            GatewayLog.ResumableFailed(logger, route.RouteId, upload.Id, ex);
            throw new StorageException(StorageErrorKind.Failed, $"storing a part of upload {upload.Id} failed", ex);
        }

        metrics.ResumableBytes(route.RouteId, appended.Offset - before);
        if (!await JudgeBodyAsync(context, appended, metered, hashing, remaining - (appended.Offset - before)))
        {
            return null;
        }

        // The expiry counts from the PATCH's start; one that ran longer than half of Expiration is saved again from its
        // end, or its upload could expire right after it was answered.
        var expiration = route.Policy.Resumable.Expiration;
        if (appended.Expires < uploads.Now + expiration / 2)
        {
            appended = appended with { Expires = uploads.Now + expiration };
            await resumable.SaveAsync(appended, CancellationToken.None);
        }

        return appended;
    }

    /// <summary>True when the body arrived whole and fitted; otherwise answers (when someone is left to answer) and returns false.</summary>
    private static async Task<bool> JudgeBodyAsync(HttpContext context, ResumableUpload appended, MeteredReadStream metered, HashingReadStream? hashing, long stillRemaining)
    {
        void Offset(IHeaderDictionary h) => h[TusHeaders.UploadOffset] = appended.Offset.ToString(CultureInfo.InvariantCulture);
        if (context.RequestAborted.IsCancellationRequested)
        {
            return false; // The client is gone; what it sent is stored, and a HEAD will say how much.
        }

        if (metered.ReadFailure is { } failure)
        {
            await TusHandler.ProblemAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.UploadIncomplete,
                $"the body could not be read to its end ({failure.Message}); the bytes received are kept", Offset);
            return false;
        }

        if (hashing is { Mismatched: true })
        {
            await TusHandler.ProblemAsync(context, TusHeaders.ChecksumMismatchStatus, ErrorCodes.ChecksumMismatch,
                "the body does not have the Upload-Checksum digest; none of it was kept", Offset);
            return false;
        }

        if (stillRemaining == 0 && await metered.ReadAsync(new byte[1], context.RequestAborted) > 0)
        {
            await TusHandler.ProblemAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.UploadTooLarge,
                "the body goes past the upload's length; the bytes up to it are kept", Offset);
            return false;
        }

        return true;
    }

    /// <summary>Stores a complete upload under its key; false when the client left meanwhile (nobody to answer).</summary>
    public async Task<bool> CompleteAsync(HttpContext context, ResolvedRoute route, IResumableStore resumable, ResumableUpload upload)
    {
        // Not the request's token: the bytes are all here, so the object is stored even if the client left meanwhile.
        var info = await resumable.CompleteAsync(upload, CancellationToken.None);
        metrics.ResumableEvent(route.RouteId, "completed");
        GatewayLog.ResumableCompleted(logger, route.RouteId, upload.Id, upload.Key, info.Length);
        return !context.RequestAborted.IsCancellationRequested;
    }

    /// <summary>
    /// A client's file type when it is a media type a Content-Type can carry (RFC 9110 section 8.3: ASCII tokens), else
    /// null: it becomes a header of the stored object, and S3 refused "vidéo/mp4" on every try (tus: servers SHOULD
    /// validate metadata before using it as a header value).
    /// </summary>
    private static string? MediaTypeOrNull(string? value) =>
        value is not null && System.Text.Ascii.IsValid(value) && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(value, out var parsed)
            && parsed is { Type.HasValue: true, SubType.HasValue: true }
            ? value
            : null;

    private static async Task<bool> CheckContentTypeAsync(HttpContext context)
    {
        if (string.Equals(context.Request.ContentType, TusHeaders.OffsetContentType, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        await TusHandler.ProblemAsync(context, StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
            $"upload bodies are {TusHeaders.OffsetContentType}");
        return false;
    }

    private static Task BadRequestAsync(HttpContext context, string detail) =>
        TusHandler.ProblemAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidTusRequest, detail);

    private static long? ParseLength(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The upload URL: under the route, beside the keys, in the reserved folder.</summary>
    private static string UploadUrl(HttpContext context, string? keyPath, string id)
    {
        var path = (context.Request.PathBase + context.Request.Path).Value ?? "/";
        var routeBase = !string.IsNullOrEmpty(keyPath) && path.EndsWith(keyPath, StringComparison.Ordinal) ? path[..^keyPath.Length] : path;
        return new PathString($"{routeBase.TrimEnd('/')}/{ResumableNames.Folder}/{id}").ToUriComponent();
    }
}
