using System.Runtime.CompilerServices;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Storage.FileSystem;

/// <summary>
/// Resumable uploads in a file store: <c>&lt;id&gt;.bin</c> (the bytes so far, appended to) and <c>&lt;id&gt;.info</c>
/// (the state) in the store's reserved folder; the data file is renamed into place when complete. The offset is the
/// data file's length, so every byte written survives an interrupted PATCH or a crash.
/// </summary>
internal sealed class FileResumableStore(FileStorePaths paths) : IResumableStore
{
    /// <summary>
    /// A key the store serves, whose folders are not files: "clip.mp4/part.bin" under an existing clip.mp4 could never
    /// be completed, and the upload would fail on its last byte instead of at creation.
    /// </summary>
    public bool Accepts(ObjectKey key) => paths.Resolve(key) is { } path && !UnderAFile(path);

    private static bool UnderAFile(string path)
    {
        for (var folder = Path.GetDirectoryName(path); !string.IsNullOrEmpty(folder); folder = Path.GetDirectoryName(folder))
        {
            if (File.Exists(folder))
            {
                return true;
            }
        }

        return false;
    }

    public async Task CreateAsync(ResumableUpload upload, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(paths.ResumableFolder);
        await using (new FileStream(DataPath(upload.Id), FileMode.CreateNew, FileAccess.Write))
        {
        }

        await SaveAsync(upload, cancellationToken);
    }

    public async Task<ResumableUpload?> LoadAsync(string id, CancellationToken cancellationToken)
    {
        // A completion moves the data file, then renames the stored record in: a read between the two finds the data
        // gone under a state that is not stored yet, and reads the state again.
        for (var attempt = 0; ; attempt++)
        {
            var upload = await ReadStateAsync(id, cancellationToken);
            if (upload is null || upload.IsStored)
            {
                return upload;
            }

            var data = new FileInfo(DataPath(id));
            if (data.Exists)
            {
                return upload with { Offset = data.Length };
            }

            if (attempt == 2)
            {
                return null; // Terminated or expired under this read.
            }

            await Task.Yield();
        }
    }

    private async Task<ResumableUpload?> ReadStateAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await using var info = File.OpenRead(InfoPath(id));
            return await ResumableUploadJson.DeserializeAsync(info, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null; // Never created, completed, terminated or expired.
        }
    }

    public async Task SaveAsync(ResumableUpload upload, CancellationToken cancellationToken) =>
        File.Move(await WriteStateAsync(upload, cancellationToken), InfoPath(upload.Id), overwrite: true);

    /// <summary>The state written beside its file, to be renamed over it: a reader (another instance) never sees half a state file.</summary>
    private async Task<string> WriteStateAsync(ResumableUpload upload, CancellationToken cancellationToken)
    {
        var temp = InfoPath(upload.Id) + "." + Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(temp, ResumableUploadJson.Serialize(upload), cancellationToken);
        return temp;
    }

    public async Task<ResumableUpload> AppendAsync(ResumableUpload upload, ResumableAppend append, CancellationToken cancellationToken)
    {
        FileStream data;
        try
        {
            // FileShare.None is an exclusive flock on Unix: a second writer, in any process sharing the folder, is refused.
            data = new FileStream(DataPath(upload.Id), FileMode.Open, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
        }
        catch (FileNotFoundException)
        {
            throw new StorageException(StorageErrorKind.NotFound, $"upload {upload.Id} is gone");
        }
        catch (IOException ex)
        {
            throw new UploadLockedException($"upload {upload.Id} is being written by another request ({ex.Message})");
        }

        await using (data)
        {
            var start = data.Seek(0, SeekOrigin.End);
            var result = await StreamCopier.CopyAsync(append.Body, data, new CopyOptions(append.ChunkSize, Timeout.InfiniteTimeSpan), cancellationToken);
            if (result.Outcome is CopyOutcome.DestinationFailed)
            {
                data.SetLength(start);
                throw DiskFull.Is(result.Error)
                    ? new StorageException(StorageErrorKind.InsufficientStorage, "the file store has no space left for the upload", result.Error)
                    : new StorageException(StorageErrorKind.Failed, "writing the upload failed", result.Error);
            }

            if (append.Accept is { } accept && !(result.IsSuccess && accept()))
            {
                // Not verified: neither its bytes nor the state it came with (a length, the expiry) are kept (tus checksum).
                data.SetLength(start);
                return upload with { Offset = start };
            }

            data.Flush(flushToDisk: true);
            upload = upload with { Offset = data.Length };
        }

        await SaveAsync(upload, CancellationToken.None);
        return upload;
    }

    public async Task<ObjectInfo> CompleteAsync(ResumableUpload upload, CancellationToken cancellationToken)
    {
        if (!ObjectKey.TryCreate(upload.Key, out var key, out var problem))
        {
            throw new StorageException(StorageErrorKind.InvalidRequest, problem);
        }

        var path = paths.Resolve(key) ?? throw new StorageException(StorageErrorKind.AccessDenied, $"'{key}' is outside the store");
        // The stored record is written first and renamed in right after the data: a HEAD between the two finds the data
        // gone and reads the record again (LoadAsync), and the gap is two renames.
        var stored = await WriteStateAsync(upload.AsStored(), CancellationToken.None);
        FileObjectStore.MoveIntoPlace(key, DataPath(upload.Id), path);
        File.Move(stored, InfoPath(upload.Id), overwrite: true);
        return FileObjectStore.Describe(path) ?? throw new StorageException(StorageErrorKind.Failed, $"'{key}' vanished after writing");
    }

    public Task DeleteAsync(ResumableUpload upload, CancellationToken cancellationToken)
    {
        File.Delete(DataPath(upload.Id));
        File.Delete(InfoPath(upload.Id));
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<string> ListIdsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!Directory.Exists(paths.ResumableFolder))
        {
            yield break;
        }

        foreach (var info in Directory.EnumerateFiles(paths.ResumableFolder, "*.info"))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Path.GetFileNameWithoutExtension(info);
        }

        await Task.CompletedTask;
    }

    private string DataPath(string id) => Path.Combine(paths.ResumableFolder, id + ".bin");

    private string InfoPath(string id) => Path.Combine(paths.ResumableFolder, id + ".info");
}
