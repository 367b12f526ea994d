using System.Net;
using WrapperStream = Amazon.Runtime.Internal.Util.WrapperStream;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Net.Http.Headers;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>Objects in one bucket under one prefix, through AWSSDK.S3; bodies are streamed, never buffered.</summary>
/// <param name="responseTimeout">How long any S3 call may wait for response headers (StreamForge:S3:ResponseTimeout).</param>
/// <param name="verifyDownloads">What full-object GETs are checked against (StreamForge:S3:VerifyDownloads).</param>
internal sealed class S3ObjectStore(
    IAmazonS3 client, S3BodyClient bodies, S3StorageAddress address, TimeSpan responseTimeout, DownloadVerification verifyDownloads, ILogger logger)
    : IObjectStore
{
    private readonly S3Uploader _uploader = new(client, bodies, address.Bucket, responseTimeout, logger);

    public IResumableStore Resumable => field ??= new S3ResumableStore(client, address, _uploader, this, responseTimeout);

    /// <summary>Calls without a request body: only the time to response headers is bounded.</summary>
    private S3Timeouts Timeouts => new(responseTimeout, responseTimeout);

    public async Task<ObjectInfo?> HeadAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        using var activity = GatewayTelemetry.StartStorageCall("HeadObject", address.Bucket, FullKey(key));
        using var timer = new S3CallTimer(Timeouts, cancellationToken);
        try
        {
            var response = await client.GetObjectMetadataAsync(address.Bucket, FullKey(key), timer.Token);
            return new ObjectInfo(response.ContentLength, response.ETag, ToOffset(response.LastModified), response.Headers.ContentType, S3StoredHeaders.Of(response.Headers));
        }
        catch (Exception) when (timer.Expired)
        {
            throw S3CallTimer.TimedOut($"reading metadata of '{key}'");
        }
        catch (AmazonS3Exception ex) when (S3ErrorTranslator.IsNotFound(ex))
        {
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw S3ErrorTranslator.Translate(ex, $"reading metadata of '{key}'");
        }
    }

    /// <summary>
    /// One GET per client range: in 8 MiB slices an open-ended range read at about half the speed of one GET from the
    /// test S3 server, which took 13-14 ms to each slice's first byte and twice the CPU per GB (tests/bench/README.md),
    /// and S3 bills every GET.
    /// </summary>
    public bool SlicesLongRanges => false;

    public Task<ObjectContent?> OpenReadAsync(ObjectKey key, ByteSpan? span, string? ifMatch, CancellationToken cancellationToken) =>
        // Always a closed range: the gateway has normalised suffix and open ranges against the length.
        OpenAsync(key, span is { } s ? new ByteRange(s.First, s.Last) : null, ifMatch, cancellationToken);

    public Task<ObjectContent?> OpenRangeAsync(ObjectKey key, long first, long last, CancellationToken cancellationToken) =>
        // S3 clamps the range to the object's end and says so in Content-Range (RFC 9110 section 14.1.2), as the gateway would.
        OpenAsync(key, new ByteRange(first, last), ifMatch: null, cancellationToken);

    private async Task<ObjectContent?> OpenAsync(ObjectKey key, ByteRange? range, string? ifMatch, CancellationToken cancellationToken)
    {
        using var activity = GatewayTelemetry.StartStorageCall("GetObject", address.Bucket, FullKey(key));
        var request = new GetObjectRequest { BucketName = address.Bucket, Key = FullKey(key), EtagToMatch = ifMatch, ByteRange = range };
        if (range is null && verifyDownloads != DownloadVerification.Off)
        {
            // S3 sends its stored full-object checksum only when asked, and only for whole-object reads.
            request.ChecksumMode = ChecksumMode.ENABLED;
        }

        GetObjectResponse response;
        // Lives as long as the body: the SDK may still hold the call's token while the body is read.
        var timer = new S3CallTimer(Timeouts, cancellationToken);
        try
        {
            response = await client.GetObjectAsync(request, timer.Token);
            // From here on the copy loop times the body with the route's stall timeout.
            timer.Stop();
        }
        catch (AmazonS3Exception ex) when (!timer.Expired && S3ErrorTranslator.IsNotFound(ex))
        {
            timer.Dispose();
            return null;
        }
        catch (AmazonS3Exception ex) when (!timer.Expired && ex.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            timer.Dispose();
            throw new StorageException(StorageErrorKind.RangeNotSatisfiable, $"the range starts after the end of '{key}'", ex);
        }
        catch (Exception ex)
        {
            var expired = timer.Expired;
            timer.Dispose();
            if (expired)
            {
                throw S3CallTimer.TimedOut($"opening '{key}'");
            }

            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw S3ErrorTranslator.Translate(ex, $"opening '{key}'");
        }

        ByteSpan? span = null;
        var length = response.ContentLength;
        if (range is not null && ContentRangeHeaderValue.TryParse(response.ContentRange, out var delivered)
            && delivered is { From: { } from, To: { } to, Length: { } total })
        {
            span = new ByteSpan(from, to);
            length = total;
        }

        // S3 honours both, but a store behind a proxy or an S3-compatible server may not (RFC 9110 section 14.2 lets any
        // server ignore Range): bytes from the wrong offset or of another version must not go out under this response.
        if (range is not null && (response.HttpStatusCode != HttpStatusCode.PartialContent || span?.First != range.Start))
        {
            Discard(response, timer);
            throw new StorageException(StorageErrorKind.Failed, $"storage answered a read of '{key}' from byte {range.Start} with {(int)response.HttpStatusCode} {response.ContentRange}");
        }

        if (ifMatch is not null && response.ETag != ifMatch)
        {
            Discard(response, timer);
            throw new StorageException(StorageErrorKind.PreconditionFailed, $"'{key}' changed (now {response.ETag})");
        }

        var info = new ObjectInfo(length, response.ETag, ToOffset(response.LastModified), response.Headers.ContentType, S3StoredHeaders.Of(response.Headers));
        return new ObjectContent(info, OpenBody(response, span), span, new S3ReadLease(response, timer));
    }

    public async Task<ObjectInfo> PutAsync(ObjectKey key, UploadSource upload, CancellationToken cancellationToken)
    {
        if (NonAsciiField(upload) is { } field)
        {
            // S3 takes field values in ASCII only (the request failed before it left, and read as "unreachable"). A
            // non-ASCII file name goes in Content-Disposition's filename* (RFC 6266, RFC 8187).
            throw new StorageException(StorageErrorKind.InvalidRequest, $"{field} has characters outside ASCII, which S3 cannot keep (use filename*=UTF-8''... for a file name)");
        }

        try
        {
            return await _uploader.UploadAsync(FullKey(key), upload, cancellationToken);
        }
        catch (Exception ex) when (ex is not StorageException && (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            throw S3ErrorTranslator.Translate(ex, $"storing '{key}'");
        }
    }

    private static string? NonAsciiField(UploadSource upload) =>
        upload.ContentType is { } type && !System.Text.Ascii.IsValid(type) ? "Content-Type"
        : upload.Headers?.FirstOrDefault(field => !System.Text.Ascii.IsValid(field.Value)).Key;

    public async Task CheckReadyAsync(CancellationToken cancellationToken)
    {
        using var timer = new S3CallTimer(Timeouts, cancellationToken);
        try
        {
            await client.HeadBucketAsync(new HeadBucketRequest { BucketName = address.Bucket }, timer.Token);
        }
        catch (Exception) when (timer.Expired)
        {
            throw S3CallTimer.TimedOut($"checking bucket '{address.Bucket}'");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw S3ErrorTranslator.Translate(ex, $"checking bucket '{address.Bucket}'");
        }
    }

    /// <summary>
    /// The body straight from the HTTP response, under the SDK's own checking wrappers (a managed MD5 over every
    /// whole-object GET, whatever S3 stored); verified here instead with the checksum <see cref="S3DownloadChecksum"/> picks.
    /// A short body is still caught: the HTTP client fails a response that ends before its Content-Length.
    /// </summary>
    private Stream OpenBody(GetObjectResponse response, ByteSpan? span)
    {
        var raw = WrapperStream.GetNonWrapperBaseStream(response.ResponseStream);
        var expected = span is null ? S3DownloadChecksum.For(response, verifyDownloads) : null;
        return expected is null ? raw : new VerifyingReadStream(raw, response.ContentLength, [expected]);
    }

    private static void Discard(GetObjectResponse response, S3CallTimer timer)
    {
        response.Dispose();
        timer.Dispose();
    }

    private string FullKey(ObjectKey key) => address.Prefix + key.Value;

    public bool Accepts(ObjectKey key) => System.Text.Encoding.UTF8.GetByteCount(FullKey(key)) <= ObjectKey.MaxUtf8Bytes;

    private static DateTimeOffset ToOffset(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v.ToUniversalTime(), DateTimeKind.Utc)) : DateTimeOffset.UnixEpoch;
}
