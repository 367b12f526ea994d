using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>
/// Resumable uploads into S3, the way tusd's s3store does them: one multipart upload per upload, created when the
/// first whole part is ready; bytes that do not yet fill a part go to a temporary object (the "tail"), prepended to
/// the next PATCH. A PATCH is spooled part by part through a local temp file (deleted on close), never memory, so an
/// interrupted PATCH still stores every byte it received. State is a JSON object beside the tail, under
/// <c>&lt;prefix&gt;.streamforge-tus/&lt;id&gt;/</c>, so any instance can resume the upload.
/// </summary>
/// <param name="objects">Reads state and tail objects, timed like every other read.</param>
internal sealed class S3ResumableStore(IAmazonS3 client, S3StorageAddress address, S3Uploader uploader, IObjectStore objects, TimeSpan responseTimeout)
    : IResumableStore
{
    private static readonly string SpoolFolder = Path.Combine(Path.GetTempPath(), "streamforge-tus-spool");

    private S3Timeouts Timeouts => new(responseTimeout, responseTimeout);

    public Task CreateAsync(ResumableUpload upload, CancellationToken cancellationToken) => SaveAsync(upload, cancellationToken);

    public async Task<ResumableUpload?> LoadAsync(string id, CancellationToken cancellationToken)
    {
        await using var state = await objects.OpenReadAsync(AsKey(StateKey(id)), null, null, cancellationToken);
        if (state is null)
        {
            return null;
        }

        var upload = await ResumableUploadJson.DeserializeAsync(state.Body, cancellationToken);
        return upload is null ? null : upload.IsStored ? upload : upload with { Offset = OffsetOf(upload) };
    }

    public Task SaveAsync(ResumableUpload upload, CancellationToken cancellationToken) =>
        CallAsync($"saving upload {upload.Id}", token => client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = address.Bucket,
            Key = FullKey(StateKey(upload.Id)),
            ContentBody = ResumableUploadJson.Serialize(upload),
            ContentType = "application/json",
        }, token), cancellationToken);

    public async Task<ResumableUpload> AppendAsync(ResumableUpload upload, ResumableAppend append, CancellationToken cancellationToken)
    {
        var timeouts = new S3Timeouts(responseTimeout, append.StallTimeout);
        await using var spool = OpenSpool();
        if (upload.TailKey is { } tail)
        {
            await CopyTailAsync(tail, upload.TailLength, spool, append.ChunkSize, cancellationToken);
        }

        // Without a checksum every part is stored as soon as it is whole; with one, nothing is until the body is verified.
        var incremental = append.Accept is null;
        var state = upload;
        var superseded = new List<string>();
        var received = 0L;
        while (true)
        {
            var room = incremental ? state.PartSize - spool.Length : long.MaxValue;
            await using var limited = new ForwardOnlyPartStream(append.Body, room);
            var result = await StreamCopier.CopyAsync(limited, spool, new CopyOptions(append.ChunkSize, Timeout.InfiniteTimeSpan), cancellationToken);
            if (result.Outcome == CopyOutcome.DestinationFailed)
            {
                throw new StorageException(StorageErrorKind.InsufficientStorage, $"the spool for upload {upload.Id} could not be written", result.Error);
            }

            received += result.BytesCopied;
            var bodyGoesOn = result.IsSuccess && result.BytesCopied == room;
            if (!(incremental && bodyGoesOn))
            {
                if (!incremental && !(result.IsSuccess && append.Accept!()))
                {
                    return upload; // Not verified: nothing of this PATCH is kept.
                }

                break;
            }

            state = await TranslatedAsync($"storing a part of upload {upload.Id}", () => FlushAsync(state, spool, timeouts, superseded, CancellationToken.None));
        }

        if (received > 0)
        {
            // The client may be gone: what it sent is stored all the same, so the offset a HEAD reports is true.
            state = await TranslatedAsync($"storing a part of upload {upload.Id}", () => FlushAsync(state, spool, timeouts, superseded, CancellationToken.None));
        }
        else
        {
            // An empty PATCH changes the state too: the expiry it pushes out, a length it declares (creation-defer-length).
            await SaveAsync(state, CancellationToken.None);
        }

        await DeleteObjectsAsync(superseded);
        return state;
    }

    public async Task<ObjectInfo> CompleteAsync(ResumableUpload upload, CancellationToken cancellationToken)
    {
        var key = FullKey(upload.Key);
        var timeouts = Timeouts;
        ObjectInfo info;
        if (upload.MultipartId is not { } multipartId)
        {
            // Smaller than one part: the tail (or nothing) becomes the object in one atomic PutObject.
            var tail = await OpenTailAsync(upload, cancellationToken);
            await using (tail)
            {
                info = await TranslatedAsync($"storing '{upload.Key}'",
                    () => uploader.PutSingleAsync(key, TailBody(tail, upload.TailLength), upload.TailLength, upload.ContentType, timeouts, cancellationToken));
            }
        }
        else
        {
            var parts = upload.Parts.Select(ToPartETag).ToList();
            if (upload.TailLength > 0)
            {
                var tail = await OpenTailAsync(upload, cancellationToken);
                await using (tail)
                {
                    parts.Add(await TranslatedAsync($"storing the last part of '{upload.Key}'",
                        () => uploader.UploadPartAsync(key, multipartId, parts.Count + 1, TailBody(tail, upload.TailLength), upload.TailLength, timeouts, cancellationToken)));
                }
            }

            using var activity = GatewayTelemetry.StartStorageCall("CompleteMultipartUpload", address.Bucket, key);
            var completed = await CallAsync($"completing '{upload.Key}'", token => client.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest { BucketName = address.Bucket, Key = key, UploadId = multipartId, PartETags = parts }, token), cancellationToken);
            info = new ObjectInfo(upload.Offset, completed.ETag, DateTimeOffset.UtcNow, upload.ContentType);
        }

        // The record first: a HEAD between the two calls finds the upload stored, never missing.
        await SaveAsync(upload.AsStored(), CancellationToken.None);
        await DeleteStateAsync(upload.Id, CancellationToken.None, keepRecord: true);
        return info;
    }

    public async Task DeleteAsync(ResumableUpload upload, CancellationToken cancellationToken)
    {
        if (upload.MultipartId is { } multipartId)
        {
            // Retried in the background until S3 confirms, like every other abort.
            await uploader.AbortAsync(FullKey(upload.Key), multipartId, new OperationCanceledException("resumable upload ended"));
        }

        await DeleteStateAsync(upload.Id, cancellationToken);
    }

    public async IAsyncEnumerable<string> ListIdsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var prefix = address.Prefix + ResumableNames.Folder + "/";
        var request = new ListObjectsV2Request { BucketName = address.Bucket, Prefix = prefix, Delimiter = "/" };
        do
        {
            var page = await CallAsync("listing resumable uploads", token => client.ListObjectsV2Async(request, token), cancellationToken);
            foreach (var folder in page.CommonPrefixes ?? [])
            {
                yield return folder[prefix.Length..].TrimEnd('/');
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
        while (request.ContinuationToken is not null);
    }

    private static long OffsetOf(ResumableUpload upload) => (upload.Parts.Count * upload.PartSize) + upload.TailLength;

    private static PartETag ToPartETag(ResumablePart part) => new() { PartNumber = part.Number, ETag = part.ETag, ChecksumCRC32 = part.ChecksumCrc32 };

    /// <summary>
    /// Stores the spool: whole parts into the multipart upload, the rest as a new tail object. State is saved after
    /// each step, so a crash between steps leaves a state that describes only bytes that are stored.
    /// </summary>
    private async Task<ResumableUpload> FlushAsync(ResumableUpload state, FileStream spool, S3Timeouts timeouts, List<string> superseded, CancellationToken cancellationToken)
    {
        var key = FullKey(state.Key);
        spool.Position = 0;
        while (spool.Length - spool.Position >= state.PartSize)
        {
            if (state.Parts.Count == S3Limits.MaxParts)
            {
                throw new StorageException(StorageErrorKind.TooLarge, $"the upload is over {S3Limits.MaxParts} parts of {state.PartSize} bytes");
            }

            if (state.MultipartId is null)
            {
                state = state with { MultipartId = await uploader.CreateMultipartUploadAsync(key, state.ContentType, timeouts) };
                await SaveAsync(state, cancellationToken); // Saved at once, so the expiry sweep can abort it.
            }

            var number = state.Parts.Count + 1;
            // The spool is on local disk: hashed first, the part then goes unsigned with its CRC32 (S3Uploader).
            var crc32 = await PartChecksum.Crc32Async(spool, state.PartSize, cancellationToken);
            await using var part = new ForwardOnlyPartStream(spool, state.PartSize);
            var etag = await uploader.UploadHashedPartAsync(key, state.MultipartId, number, part, state.PartSize, crc32, timeouts, cancellationToken);
            state = Supersede(state, superseded) with { Parts = [.. state.Parts, new ResumablePart(number, etag.ETag, etag.ChecksumCRC32)] };
            state = state with { Offset = OffsetOf(state) };
            await SaveAsync(state, cancellationToken);
        }

        var remaining = spool.Length - spool.Position;
        if (remaining > 0)
        {
            var tailKey = StateFolder(state.Id) + "tail-" + Guid.NewGuid().ToString("N");
            await using var tail = new ForwardOnlyPartStream(spool, remaining);
            await uploader.PutSingleAsync(FullKey(tailKey), tail, remaining, null, timeouts, cancellationToken);
            state = Supersede(state, superseded) with { TailKey = tailKey, TailLength = remaining };
            state = state with { Offset = OffsetOf(state) };
            await SaveAsync(state, cancellationToken);
        }

        spool.SetLength(0);
        return state;
    }

    /// <summary>The state without its tail, which has been folded into newer bytes and is deleted once they are saved.</summary>
    private ResumableUpload Supersede(ResumableUpload state, List<string> superseded)
    {
        if (state.TailKey is { } old)
        {
            superseded.Add(FullKey(old));
        }

        return state with { TailKey = null, TailLength = 0 };
    }

    private async Task CopyTailAsync(string tailKey, long length, FileStream spool, int chunkSize, CancellationToken cancellationToken)
    {
        await using var tail = await objects.OpenReadAsync(AsKey(tailKey), null, null, cancellationToken)
            ?? throw new StorageException(StorageErrorKind.Failed, $"the tail object '{tailKey}' of an upload is missing");
        var result = await StreamCopier.CopyAsync(tail.Body, spool, new CopyOptions(chunkSize, Timeout.InfiniteTimeSpan, length), cancellationToken);
        if (!result.IsSuccess)
        {
            throw new StorageException(StorageErrorKind.Unavailable, "an upload's tail could not be read back", result.Error);
        }
    }

    /// <summary>The tail object's bytes (an empty stream when there is none); dispose it to release the read.</summary>
    private async Task<IAsyncDisposable?> OpenTailAsync(ResumableUpload upload, CancellationToken cancellationToken)
    {
        if (upload.TailKey is not { } tailKey)
        {
            return null;
        }

        return await objects.OpenReadAsync(AsKey(tailKey), null, null, cancellationToken)
            ?? throw new StorageException(StorageErrorKind.Failed, $"the tail object '{tailKey}' of an upload is missing");
    }

    private static Stream TailBody(IAsyncDisposable? tail, long length) =>
        tail is ObjectContent content ? new ForwardOnlyPartStream(content.Body, length) : Stream.Null;

    /// <summary>Deletes the upload's state objects (tail objects, and its record unless <paramref name="keepRecord"/>).</summary>
    private async Task DeleteStateAsync(string id, CancellationToken cancellationToken, bool keepRecord = false)
    {
        var request = new ListObjectsV2Request { BucketName = address.Bucket, Prefix = FullKey(StateFolder(id)) };
        var page = await CallAsync($"listing upload {id}", token => client.ListObjectsV2Async(request, token), cancellationToken);
        var record = FullKey(StateKey(id));
        await DeleteObjectsAsync((page.S3Objects ?? []).Select(o => o.Key).Where(key => !keepRecord || key != record));
    }

    /// <summary>Deletes objects by full key.</summary>
    private async Task DeleteObjectsAsync(IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            await CallAsync($"deleting '{key}'", token => client.DeleteObjectAsync(address.Bucket, key, token), CancellationToken.None);
        }
    }

    /// <summary>
    /// The uploader's own calls (parts, single PUTs over the body client) leave the SDK's and HttpClient's exceptions
    /// as they are: an S3 that cannot be reached must still be 503 storage_unavailable here, not a bare 502.
    /// </summary>
    private static async Task<T> TranslatedAsync<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is not (StorageException or OperationCanceledException))
        {
            throw S3ErrorTranslator.Translate(ex, what);
        }
    }

    private async Task<T> CallAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var timer = new S3CallTimer(Timeouts, cancellationToken);
        try
        {
            return await call(timer.Token);
        }
        catch (Exception) when (timer.Expired)
        {
            throw S3CallTimer.TimedOut(what);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw S3ErrorTranslator.Translate(ex, what);
        }
    }

    /// <summary>
    /// A spool file nothing has to clean up: where an open file can be unlinked (Linux, macOS) its name goes as soon as
    /// it is open, so the kernel frees it when the stream closes or the process dies, <c>kill -9</c> included; a
    /// killed gateway left <c>DeleteOnClose</c> spools of up to a part each behind. <c>DeleteOnClose</c> remains for
    /// Windows, which cannot unlink an open file.
    /// </summary>
    private static FileStream OpenSpool()
    {
        Directory.CreateDirectory(SpoolFolder);
        var path = Path.Combine(SpoolFolder, Guid.NewGuid().ToString("N"));
        var spool = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        if (!OperatingSystem.IsWindows())
        {
            File.Delete(path);
        }

        return spool;
    }

    private string FullKey(string key) => address.Prefix + key;

    public bool Accepts(ObjectKey key) => objects.Accepts(key);

    private static ObjectKey AsKey(string relative) =>
        ObjectKey.TryCreate(relative, out var key, out var problem) ? key : throw new StorageException(StorageErrorKind.Failed, problem);

    /// <summary>The upload's folder, relative to the store's prefix like object keys.</summary>
    private static string StateFolder(string id) => $"{ResumableNames.Folder}/{id}/";

    private static string StateKey(string id) => StateFolder(id) + "info.json";
}
