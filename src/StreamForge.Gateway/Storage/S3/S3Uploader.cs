using Amazon.S3;
using Amazon.S3.Model;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>
/// Stores a request body in S3 without ever holding it whole: one streamed PutObject for small bodies of known
/// length, otherwise multipart. Any failure aborts the multipart upload, so no half object and no orphaned
/// upload (with its storage bill) is left behind.
/// </summary>
internal sealed class S3Uploader(IAmazonS3 client, string bucket, ILogger logger)
{
    public async Task<ObjectInfo> UploadAsync(string key, UploadSource upload, CancellationToken cancellationToken)
    {
        var policy = upload.Policy;
        if (upload.Length is { } length)
        {
            if (length <= policy.SinglePutMaxSize)
            {
                return await PutSingleAsync(key, upload.Body, length, upload.ContentType, cancellationToken);
            }

            var partSize = PartSizePlanner.ForKnownLength(length, policy.PartSize)
                ?? throw new StorageException(StorageErrorKind.TooLarge, $"{length} bytes is over S3's 5 TiB object limit");
            return await MultipartAsync(key, upload.ContentType, cancellationToken,
                (uploadId, token) => UploadStreamedPartsAsync(key, uploadId, upload.Body, length, partSize, token));
        }

        return await UploadChunkedAsync(key, upload, cancellationToken);
    }

    private async Task<ObjectInfo> PutSingleAsync(string key, Stream body, long length, string? contentType, CancellationToken cancellationToken)
    {
        using var activity = GatewayTelemetry.StartStorageCall("PutObject", bucket, key);
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = body,
            AutoCloseStream = false,
            AutoResetStreamPosition = false,
            ContentType = contentType,
        };
        request.Headers.ContentLength = length;
        var response = await client.PutObjectAsync(request, cancellationToken);
        return new ObjectInfo(length, response.ETag, DateTimeOffset.UtcNow, contentType);
    }

    /// <summary>Known length: every part streams straight from the request body, so no part is held in memory.</summary>
    private async Task<(List<PartETag> Parts, long Length)> UploadStreamedPartsAsync(
        string key, string uploadId, Stream body, long length, long partSize, CancellationToken cancellationToken)
    {
        var count = PartSizePlanner.PartCount(length, partSize);
        var parts = new List<PartETag>(count);
        for (var number = 1; number <= count; number++)
        {
            var size = Math.Min(partSize, length - ((number - 1) * partSize));
            await using var part = new ForwardOnlyPartStream(body, size);
            parts.Add(await UploadPartAsync(key, uploadId, number, part, size, cancellationToken));
        }

        return (parts, length);
    }

    /// <summary>
    /// Unknown length: parts are read into pooled buffers; while one uploads the next is filled, with at most
    /// MaxBufferedParts buffers per upload. A body that fits in one part is stored with a single PutObject.
    /// </summary>
    private async Task<ObjectInfo> UploadChunkedAsync(string key, UploadSource upload, CancellationToken cancellationToken)
    {
        var partSize = (int)Math.Min(upload.Policy.PartSize, Array.MaxLength);
        var first = await PartBuffer.ReadAsync(upload.Body, partSize, cancellationToken);
        if (first.Count < partSize)
        {
            using (first)
            {
                await using var stream = first.OpenRead();
                return await PutSingleAsync(key, stream, first.Count, upload.ContentType, cancellationToken);
            }
        }

        return await MultipartAsync(key, upload.ContentType, cancellationToken,
            (uploadId, token) => UploadBufferedPartsAsync(key, uploadId, upload, first, partSize, token));
    }

    private async Task<(List<PartETag> Parts, long Length)> UploadBufferedPartsAsync(
        string key, string uploadId, UploadSource upload, PartBuffer first, int partSize, CancellationToken cancellationToken)
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
                uploads.Add(UploadBufferedPartAsync(key, uploadId, number, buffer, slots, failure));
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
        catch
        {
            await failure.CancelAsync();
            await Task.WhenAll(uploads.Select(u => u.ContinueWith(_ => { }, TaskScheduler.Default)));
            throw;
        }
    }

    private async Task<PartETag> UploadBufferedPartAsync(string key, string uploadId, int number, PartBuffer buffer, SemaphoreSlim slots, CancellationTokenSource failure)
    {
        try
        {
            await using var stream = buffer.OpenRead();
            return await UploadPartAsync(key, uploadId, number, stream, buffer.Count, failure.Token);
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

    private async Task<PartETag> UploadPartAsync(string key, string uploadId, int number, Stream content, long size, CancellationToken cancellationToken)
    {
        using var activity = GatewayTelemetry.StartStorageCall("UploadPart", bucket, key);
        var response = await client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket,
            Key = key,
            UploadId = uploadId,
            PartNumber = number,
            InputStream = content,
            PartSize = size,
            // S3 verifies each part against this checksum, and the object's composite checksum is built from them.
            ChecksumAlgorithm = ChecksumAlgorithm.CRC32,
        }, cancellationToken);
        return new PartETag(response);
    }

    private async Task<ObjectInfo> MultipartAsync(
        string key,
        string? contentType,
        CancellationToken cancellationToken,
        Func<string, CancellationToken, Task<(List<PartETag> Parts, long Length)>> uploadParts)
    {
        string uploadId;
        using (GatewayTelemetry.StartStorageCall("CreateMultipartUpload", bucket, key))
        {
            var created = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                ContentType = contentType,
                ChecksumAlgorithm = ChecksumAlgorithm.CRC32,
            }, cancellationToken);
            uploadId = created.UploadId;
        }

        try
        {
            var (parts, length) = await uploadParts(uploadId, cancellationToken);
            using var activity = GatewayTelemetry.StartStorageCall("CompleteMultipartUpload", bucket, key);
            var completed = await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = parts,
            }, cancellationToken);
            return new ObjectInfo(length, completed.ETag, DateTimeOffset.UtcNow, contentType);
        }
        catch (Exception failure)
        {
            await AbortAsync(key, uploadId, failure);
            throw;
        }
    }

    private async Task AbortAsync(string key, string uploadId, Exception cause)
    {
        using var activity = GatewayTelemetry.StartStorageCall("AbortMultipartUpload", bucket, key);
        try
        {
            // Not the request's token: the client may be gone, but the upload must still be cleaned up.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await client.AbortMultipartUploadAsync(bucket, key, uploadId, timeout.Token);
            GatewayLog.MultipartAborted(logger, bucket, key, uploadId, cause.GetType().Name);
        }
        catch (Exception ex)
        {
            GatewayLog.MultipartAbortFailed(logger, bucket, key, uploadId, ex);
        }
    }
}
