using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using StreamForge.Gateway.Diagnostics;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>
/// Stores a request body in S3 without ever holding it whole: one streamed PutObject for small bodies of known
/// length, otherwise multipart. Any failure aborts the multipart upload, so no half object and no orphaned
/// upload (with its storage bill) is left behind.
/// </summary>
/// <remarks>Every S3 call runs under an <see cref="S3CallTimer"/>, so a hung S3 fails the upload instead of holding it.</remarks>
internal sealed class S3Uploader(IAmazonS3 client, S3BodyClient bodies, string bucket, TimeSpan responseTimeout, ILogger logger)
{
    /// <summary>How long a CreateMultipartUpload that already failed its request is still waited on, to abort what it creates.</summary>
    private static readonly TimeSpan LateCreateBound = TimeSpan.FromMinutes(10);

    private readonly StoredChecksumCheck _storedChecksums = new();

    private readonly LostAnswerCheck _lostAnswers = new(client, bucket, responseTimeout);

    public async Task<ObjectInfo> UploadAsync(string key, UploadSource upload, CancellationToken cancellationToken)
    {
        var policy = upload.Policy;
        var timeouts = new S3Timeouts(responseTimeout, upload.StallTimeout);
        if (upload.Length is { } length)
        {
            if (length <= policy.SinglePutMaxSize)
            {
                return await PutSingleAsync(key, upload.Body, length, upload.ContentType, upload.Headers, timeouts, cancellationToken);
            }

            var partSize = PartSizePlanner.ForKnownLength(length, policy.PartSize)
                ?? throw new StorageException(StorageErrorKind.TooLarge, $"{length} bytes is over S3's 5 TiB object limit");
            return await MultipartAsync(key, upload.ContentType, upload.Headers, timeouts, partSize,
                (uploadId, token) => UploadStreamedPartsAsync(key, uploadId, upload.Body, length, partSize, timeouts, token), cancellationToken);
        }

        return await UploadChunkedAsync(key, upload, timeouts, cancellationToken);
    }

    internal Task<ObjectInfo> PutSingleAsync(
        string key, Stream body, long length, string? contentType, S3Timeouts timeouts, CancellationToken cancellationToken) =>
        PutSingleAsync(key, body, length, contentType, headers: null, timeouts, cancellationToken);

    internal async Task<ObjectInfo> PutSingleAsync(
        string key, Stream body, long length, string? contentType, IReadOnlyList<KeyValuePair<string, string>>? headers, S3Timeouts timeouts,
        CancellationToken cancellationToken)
    {
        using var activity = GatewayTelemetry.StartStorageCall("PutObject", bucket, key);
        using var timer = new S3CallTimer(timeouts, cancellationToken);
        await using var sent = _storedChecksums.Wrap(body);
        HttpResponseHeaders answer;
        try
        {
            answer = await TimedAsync(timer, $"storing '{key}' (once its whole body went, S3 may still store it)",
                () => bodies.PutObjectAsync(bucket, key, new TimedUploadStream(sent, timer), length, contentType, headers, timer.Token));
        }
        catch (Exception ex) when (sent.BytesRead == length && ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // The whole body went and the connection failed before S3's answer came back: S3 may have stored it.
            return await StoredDespiteLostAnswerAsync(key, sent, contentType, ex) ?? throw S3ErrorTranslator.Translate(ex, $"storing '{key}'");
        }

        if (_storedChecksums.FindMismatch(sent, answer) is { } header)
        {
            // The object is already in place and holds other bytes than the client sent: it must not stay.
            await DeleteQuietlyAsync(key, answer.ETag?.ToString());
            throw new StorageException(StorageErrorKind.Failed, $"S3 stored '{key}' with another {header} than the bytes sent have; the object was removed");
        }

        return new ObjectInfo(length, answer.ETag?.Tag ?? "", DateTimeOffset.UtcNow, contentType);
    }

    /// <summary>After a PutObject lost its answer: the stored object when it is this upload's, null when the key holds another or none.</summary>
    private Task<ObjectInfo?> StoredDespiteLostAnswerAsync(string key, CrcReadStream sent, string? contentType, Exception lostAnswer) =>
        ConfirmedAsync(key, $"storing '{key}'", lostAnswer, head => LostAnswerCheck.HoldsSent(head, sent),
            head => new ObjectInfo(head.ContentLength, head.ETag ?? "", head.LastModified ?? DateTimeOffset.UtcNow, contentType));

    /// <summary>After a Complete lost its answer: the stored object when it is this upload's, null when the key holds another or none.</summary>
    private Task<ObjectInfo?> CompletedDespiteLostAnswerAsync(
        string key, List<PartETag> parts, long partSize, long length, string? contentType, Exception lostAnswer) =>
        ConfirmedAsync(key, $"completing '{key}'", lostAnswer, head => LostAnswerCheck.HoldsParts(head, parts, partSize, length),
            head => new ObjectInfo(length, head.ETag, head.LastModified ?? DateTimeOffset.UtcNow, contentType));

    /// <summary>Asks the key whether it holds this upload (<paramref name="holds"/>; null: it cannot tell, the outcome stays unknown).</summary>
    private async Task<ObjectInfo?> ConfirmedAsync(
        string key, string what, Exception lostAnswer, Func<GetObjectMetadataResponse, bool?> holds, Func<GetObjectMetadataResponse, ObjectInfo> stored)
    {
        var head = await _lostAnswers.HeadAsync(key, what, lostAnswer);
        switch (head is null ? false : holds(head))
        {
            case true:
                GatewayLog.LostAnswerStored(logger, bucket, key, head!.ETag);
                return stored(head);
            case false:
                return null;
            default:
                throw LostAnswerCheck.Unknown(what, lostAnswer);
        }
    }

    /// <param name="etag">The version this upload wrote: only it goes (S3's conditional DeleteObject), never a writer's that came after.</param>
    private async Task DeleteQuietlyAsync(string key, string? etag)
    {
        using var timer = new S3CallTimer(new S3Timeouts(responseTimeout, responseTimeout), CancellationToken.None);
        try
        {
            await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key, IfMatch = etag }, timer.Token);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.PreconditionFailed)
        {
            // Another upload replaced the damaged version already: nothing of this upload is left to remove.
        }
        catch (Exception ex) when (ex is AmazonServiceException or HttpRequestException or OperationCanceledException or IOException)
        {
            GatewayLog.CorruptObjectNotRemoved(logger, bucket, key, ex);
        }
    }

    /// <summary>Runs one S3 call; when its timer ran out, the failure is a timeout, whatever the SDK made of it.</summary>
    internal static async Task<T> TimedAsync<T>(S3CallTimer timer, string what, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception) when (timer.Expired)
        {
            throw S3CallTimer.TimedOut(what);
        }
    }

    /// <summary>Known length: every part streams straight from the request body, so no part is held in memory.</summary>
    private async Task<(List<PartETag> Parts, long Length)> UploadStreamedPartsAsync(
        string key, string uploadId, Stream body, long length, long partSize, S3Timeouts timeouts, CancellationToken cancellationToken)
    {
        var count = PartSizePlanner.PartCount(length, partSize);
        var parts = new List<PartETag>(count);
        for (var number = 1; number <= count; number++)
        {
            var size = Math.Min(partSize, length - ((number - 1) * partSize));
            await using var part = new ForwardOnlyPartStream(body, size);
            parts.Add(await UploadPartAsync(key, uploadId, number, part, size, timeouts, cancellationToken));
        }

        return (parts, length);
    }

    /// <summary>
    /// Unknown length: parts are read into pooled buffers; while one uploads the next is filled, with at most
    /// MaxBufferedParts buffers per upload. A body that fits in one part is stored with a single PutObject.
    /// </summary>
    private async Task<ObjectInfo> UploadChunkedAsync(string key, UploadSource upload, S3Timeouts timeouts, CancellationToken cancellationToken)
    {
        var partSize = (int)Math.Min(upload.Policy.PartSize, Array.MaxLength);
        var first = await PartBuffer.ReadAsync(upload.Body, partSize, cancellationToken);
        if (first.Count < partSize)
        {
            using (first)
            {
                await using var stream = first.OpenRead();
                return await PutSingleAsync(key, stream, first.Count, upload.ContentType, upload.Headers, timeouts, cancellationToken);
            }
        }

        return await MultipartAsync(key, upload.ContentType, upload.Headers, timeouts, partSize,
            (uploadId, token) => UploadBufferedPartsAsync(key, uploadId, upload, first, partSize, timeouts, token), cancellationToken);
    }

    private async Task<(List<PartETag> Parts, long Length)> UploadBufferedPartsAsync(
        string key, string uploadId, UploadSource upload, PartBuffer first, int partSize, S3Timeouts timeouts, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(upload.Policy.MaxBufferedParts - 1, upload.Policy.MaxBufferedParts);
        using var failure = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var uploads = new List<Task<PartETag>>();
        var buffer = first;
        long total = 0;
        try
        {
            for (var number = 1; ; number++)
            {
                total += buffer.Count;
                if (number > S3Limits.MaxParts)
                {
                    buffer.Dispose();
                    throw new StorageException(StorageErrorKind.TooLarge,
                        $"a chunked body may be at most {PartSizePlanner.MaxChunkedBodySize(partSize)} bytes with {partSize}-byte parts");
                }

                var isLast = buffer.Count < partSize;
                uploads.Add(UploadBufferedPartAsync(key, uploadId, number, buffer, slots, timeouts, failure));
                if (isLast)
                {
                    break;
                }

                // Wait for a free slot before reading on: this is what bounds memory, and what makes a slow
                // S3 slow the client down.
                await slots.WaitAsync(failure.Token);
                buffer = await PartBuffer.ReadAsync(upload.Body, partSize, failure.Token);
                if (buffer.Count == 0)
                {
                    buffer.Dispose();
                    slots.Release();
                    break;
                }
            }

            return ([.. await Task.WhenAll(uploads)], total);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A failed part cancelled the body read: report why the part failed (a timeout, an S3 error), not the read.
            await failure.CancelAsync();
            await Task.WhenAll(uploads.Select(u => u.ContinueWith(_ => { }, TaskScheduler.Default)));
            var partFailure = uploads.Where(u => u.IsFaulted).Select(u => u.Exception!.InnerException).FirstOrDefault(e => e is not OperationCanceledException);
            if (partFailure is not null)
            {
                ExceptionDispatchInfo.Throw(partFailure);
            }

            throw;
        }
        catch
        {
            await failure.CancelAsync();
            await Task.WhenAll(uploads.Select(u => u.ContinueWith(_ => { }, TaskScheduler.Default)));
            throw;
        }
    }

    private async Task<PartETag> UploadBufferedPartAsync(
        string key, string uploadId, int number, PartBuffer buffer, SemaphoreSlim slots, S3Timeouts timeouts, CancellationTokenSource failure)
    {
        try
        {
            await using var stream = buffer.OpenRead();
            var crc32 = await PartChecksum.Crc32Async(stream, buffer.Count, failure.Token);
            return await UploadHashedPartAsync(key, uploadId, number, stream, buffer.Count, crc32, timeouts, failure.Token);
        }
        catch
        {
            // Stop reading the client's body at once: the upload is lost and will be aborted.
            await failure.CancelAsync();
            throw;
        }
        finally
        {
            buffer.Dispose();
            slots.Release();
        }
    }

    /// <summary>
    /// A part whose CRC32 is known before it is sent (it is held in memory or on disk, so it could be hashed first):
    /// it goes unsigned over a presigned URL like a single PutObject, and S3 checks it against that CRC32 before
    /// keeping it. A part streamed from a request body cannot be hashed first and goes through AWSSDK.
    /// </summary>
    internal async Task<PartETag> UploadHashedPartAsync(
        string key, string uploadId, int number, Stream content, long size, string crc32, S3Timeouts timeouts, CancellationToken cancellationToken)
    {
        using var activity = GatewayTelemetry.StartStorageCall("UploadPart", bucket, key);
        using var timer = new S3CallTimer(timeouts, cancellationToken);
        var answer = await TimedAsync(timer, $"uploading part {number} of '{key}'",
            () => bodies.UploadPartAsync(bucket, key, uploadId, number, new TimedUploadStream(content, timer), size, crc32, timer.Token));
        return new PartETag { PartNumber = number, ETag = answer.ETag?.Tag, ChecksumCRC32 = crc32 };
    }

    internal async Task<PartETag> UploadPartAsync(
        string key, string uploadId, int number, Stream content, long size, S3Timeouts timeouts, CancellationToken cancellationToken)
    {
        using var activity = GatewayTelemetry.StartStorageCall("UploadPart", bucket, key);
        using var timer = new S3CallTimer(timeouts, cancellationToken);
        var request = new UploadPartRequest
        {
            BucketName = bucket,
            Key = key,
            UploadId = uploadId,
            PartNumber = number,
            InputStream = new TimedUploadStream(content, timer),
            PartSize = size,
            // S3 verifies each part against this checksum, and the object's composite checksum is built from them.
            ChecksumAlgorithm = ChecksumAlgorithm.CRC32,
        };
        var response = await TimedAsync(timer, $"uploading part {number} of '{key}'", () => client.UploadPartAsync(request, timer.Token));
        // The part's CRC32 kept with it: a Complete whose answer is lost is recognised by the object's CRC (LostAnswerCheck).
        return new PartETag(response) { ChecksumCRC32 = response.ChecksumCRC32 };
    }

    private async Task<ObjectInfo> MultipartAsync(
        string key,
        string? contentType,
        IReadOnlyList<KeyValuePair<string, string>>? headers,
        S3Timeouts timeouts,
        long partSize,
        Func<string, CancellationToken, Task<(List<PartETag> Parts, long Length)>> uploadParts,
        CancellationToken cancellationToken)
    {
        var uploadId = await CreateMultipartUploadAsync(key, contentType, timeouts, headers);
        try
        {
            // Checked only now: a client that left while the upload was being created still gets it aborted.
            cancellationToken.ThrowIfCancellationRequested();
            var (parts, length) = await uploadParts(uploadId, cancellationToken);
            using var activity = GatewayTelemetry.StartStorageCall("CompleteMultipartUpload", bucket, key);
            using var timer = new S3CallTimer(timeouts, cancellationToken);
            var request = new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartETags = parts };
            try
            {
                var completed = await TimedAsync(timer, $"completing '{key}' (S3 may still store it: check before retrying)", () => client.CompleteMultipartUploadAsync(request, timer.Token));
                return new ObjectInfo(length, completed.ETag, DateTimeOffset.UtcNow, contentType);
            }
            catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchUpload")
            {
                // An upload S3 completed is one it no longer knows: AWSSDK retried a Complete whose answer was lost.
                return await CompletedDespiteLostAnswerAsync(key, parts, partSize, length, contentType, ex)
                    ?? throw new StorageException(StorageErrorKind.Failed,
                        $"S3 no longer knows the multipart upload of '{key}', and the key does not hold it; nothing was stored", ex);
            }
            catch (Exception ex) when (S3ErrorTranslator.IsConnectionFailure(ex) && ex is not AmazonS3Exception && !cancellationToken.IsCancellationRequested)
            {
                // The connection failed with no answer at all (retries spent): S3 may have completed it all the same.
                return await CompletedDespiteLostAnswerAsync(key, parts, partSize, length, contentType, ex) ?? throw S3ErrorTranslator.Translate(ex, $"completing '{key}'");
            }
        }
        catch (Exception failure)
        {
            await AbortAsync(key, uploadId, failure);
            throw;
        }
    }

    /// <summary>
    /// Neither the request nor the response timeout cancels the call itself: once S3 has created the upload, only
    /// its id lets the gateway abort it. A client that leaves meanwhile is noticed by the caller afterwards; a call
    /// that outlives the response timeout fails the request, and if S3 answers later the upload is aborted then.
    /// </summary>
    internal async Task<string> CreateMultipartUploadAsync(
        string key, string? contentType, S3Timeouts timeouts, IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    {
        var create = CreateUnboundedAsync(key, contentType, headers);
        try
        {
            return await create.WaitAsync(timeouts.Response);
        }
        catch (TimeoutException)
        {
            _ = create.ContinueWith(
                late => late.IsCompletedSuccessfully ? AbortAsync(key, late.Result, new TimeoutException("CreateMultipartUpload answered late")) : Task.CompletedTask,
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            throw new StorageException(StorageErrorKind.Timeout, $"S3 did not answer in time while starting an upload of '{key}'", retryAfter: TimeSpan.FromSeconds(1));
        }
    }

    private async Task<string> CreateUnboundedAsync(string key, string? contentType, IReadOnlyList<KeyValuePair<string, string>>? headers)
    {
        using var activity = GatewayTelemetry.StartStorageCall("CreateMultipartUpload", bucket, key);
        using var lateAnswerBound = new CancellationTokenSource(LateCreateBound);
        var request = new InitiateMultipartUploadRequest
        {
            BucketName = bucket,
            Key = key,
            ContentType = contentType,
            ChecksumAlgorithm = ChecksumAlgorithm.CRC32,
            // A full-object CRC (S3 combines the parts' CRCs) lets every later whole-object GET be verified cheaply;
            // the default, a composite checksum of the parts' checksums, cannot be checked against the body.
            ChecksumType = ChecksumType.FULL_OBJECT,
        };
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers[name] = value;
        }

        var created = await client.InitiateMultipartUploadAsync(request, lateAnswerBound.Token);
        return created.UploadId;
    }

    /// <summary>
    /// Aborts at once, and when S3 cannot be reached keeps retrying in the background with backoff: an upload left
    /// open is billed storage that nobody can see. NoSuchUpload means it is already gone, which is success.
    /// </summary>
    internal async Task AbortAsync(string key, string uploadId, Exception cause)
    {
        if (await TryAbortAsync(key, uploadId) is not { } error)
        {
            GatewayLog.MultipartAborted(logger, bucket, key, uploadId, cause.GetType().Name);
            return;
        }

        _ = Task.Run(() => RetryAbortAsync(key, uploadId, cause, error));
    }

    private async Task RetryAbortAsync(string key, string uploadId, Exception cause, Exception firstError)
    {
        var error = firstError;
        for (var attempt = 1; attempt <= AbortRetry.MaxAttempts; attempt++)
        {
            var delay = AbortRetry.DelayBefore(attempt);
            GatewayLog.MultipartAbortRetrying(logger, bucket, key, uploadId, attempt, delay, error);
            await Task.Delay(delay);
            if (await TryAbortAsync(key, uploadId) is not { } next)
            {
                GatewayLog.MultipartAborted(logger, bucket, key, uploadId, cause.GetType().Name);
                return;
            }

            error = next;
        }

        GatewayLog.MultipartAbortFailed(logger, bucket, key, uploadId, error);
    }

    /// <summary>One abort attempt; null when the upload is gone.</summary>
    private async Task<Exception?> TryAbortAsync(string key, string uploadId)
    {
        using var activity = GatewayTelemetry.StartStorageCall("AbortMultipartUpload", bucket, key);
        // Not the request's token: the client may be gone, but the upload must still be cleaned up.
        using var timer = new S3CallTimer(new S3Timeouts(responseTimeout, responseTimeout), CancellationToken.None);
        try
        {
            await client.AbortMultipartUploadAsync(bucket, key, uploadId, timer.Token);
            return null;
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchUpload")
        {
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
