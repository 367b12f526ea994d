using System.Globalization;
using Microsoft.Win32.SafeHandles;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Streaming;
using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Storage.FileSystem;

/// <summary>The embedded store: objects are files under one folder. Writes go to a temp file renamed into place.</summary>
internal sealed class FileObjectStore(FileStorePaths paths) : IObjectStore
{
    public IResumableStore Resumable { get; } = new FileResumableStore(paths);

    public Task<ObjectInfo?> HeadAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var path = paths.Resolve(key);
        if (path is null || !File.Exists(path))
        {
            return Task.FromResult<ObjectInfo?>(null);
        }

        using var handle = OpenHandle(path);
        return Task.FromResult<ObjectInfo?>(handle is null ? null : Describe(handle));
    }

    public Task<ObjectContent?> OpenReadAsync(ObjectKey key, ByteSpan? span, string? ifMatch, CancellationToken cancellationToken)
    {
        var path = paths.Resolve(key);
        var handle = path is null || !File.Exists(path) ? null : OpenHandle(path);
        if (handle is null)
        {
            return Task.FromResult<ObjectContent?>(null);
        }

        // Metadata comes from the open handle, so a file replaced after this point cannot mix two versions.
        var info = Describe(handle);
        if (ifMatch is not null && ifMatch != info.ETag)
        {
            handle.Dispose();
            throw new StorageException(StorageErrorKind.PreconditionFailed, $"'{key}' changed (now {info.ETag})");
        }

        return Task.FromResult<ObjectContent?>(Open(handle, info, span));
    }

    public Task<ObjectContent?> OpenRangeAsync(ObjectKey key, long first, long last, CancellationToken cancellationToken)
    {
        var path = paths.Resolve(key);
        var handle = path is null || !File.Exists(path) ? null : OpenHandle(path);
        if (handle is null)
        {
            return Task.FromResult<ObjectContent?>(null);
        }

        var info = Describe(handle);
        if (first >= info.Length)
        {
            handle.Dispose();
            throw new StorageException(StorageErrorKind.RangeNotSatisfiable, $"the range starts after the end of '{key}'");
        }

        return Task.FromResult<ObjectContent?>(Open(handle, info, new ByteSpan(first, Math.Min(last, info.Length - 1))));
    }

    private static ObjectContent Open(SafeFileHandle handle, ObjectInfo info, ByteSpan? span)
    {
        // bufferSize 0: the copy loop's pooled buffer is the only one.
        Stream body = new FileStream(handle, FileAccess.Read, bufferSize: 0, isAsync: true);
        if (span is { } s)
        {
            body.Position = s.First;
            body = new LengthLimitedReadStream(body, s.Length);
        }

        return new ObjectContent(info, body, span);
    }

    public async Task<ObjectInfo> PutAsync(ObjectKey key, UploadSource upload, CancellationToken cancellationToken)
    {
        var path = paths.Resolve(key) ?? throw new StorageException(StorageErrorKind.AccessDenied, $"'{key}' is outside the store");
        string? tempPath = null;
        try
        {
            await using (var file = CreateTempFile())
            {
                tempPath = file.Name;
                var result = await StreamCopier.CopyAsync(upload.Body, file, new CopyOptions(upload.ChunkSize, Timeout.InfiniteTimeSpan, upload.Length), cancellationToken);
                if (!result.IsSuccess)
                {
                    // A full disk is the server's fault; other failures are judged by the caller (mostly a broken body).
                    throw result.Outcome == CopyOutcome.DestinationFailed && DiskFull.Is(result.Error)
                        ? NoSpace(key, result.Error!)
                        : new UploadFailedException(result);
                }
            }

            MoveIntoPlace(key, tempPath, path);
            return Describe(path) ?? throw new StorageException(StorageErrorKind.Failed, $"'{key}' vanished after writing");
        }
        catch (IOException ex) when (DiskFull.Is(ex))
        {
            throw NoSpace(key, ex); // Creating the temp file or the key's folders found the disk full.
        }
        finally
        {
            if (tempPath is not null)
            {
                File.Delete(tempPath);
            }
        }
    }

    public Task CheckReadyAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(paths.Root))
        {
            throw new StorageException(StorageErrorKind.Unavailable, $"folder '{paths.Root}' does not exist");
        }

        return Task.CompletedTask;
    }

    /// <summary>The store, for the temp file sweep (<see cref="TempFileSweepService"/>).</summary>
    public FileStorePaths Paths => paths;

    /// <summary>
    /// Creates an upload's temp file, held with <see cref="FileShare.None"/> (an exclusive flock on Unix) while it is
    /// written: that hold is how <see cref="TempFileSweeper"/>, in any gateway sharing the folder, tells a live upload
    /// from a crashed one.
    /// </summary>
    private FileStream CreateTempFile() =>
        HeldTempFile.Create(paths.TempFolder, FileAccess.Write, FileShare.None)
        ?? throw new StorageException(StorageErrorKind.Failed, $"temp files in '{paths.TempFolder}' were removed as they were created");

    private static StorageException NoSpace(ObjectKey key, Exception error) =>
        new(StorageErrorKind.InsufficientStorage, $"the file store has no space left for '{key}'; nothing was stored and any previous version is kept", error);

    /// <summary>Renames a finished temp file over the key's path (shared with <see cref="FileResumableStore"/>).</summary>
    internal static void MoveIntoPlace(ObjectKey key, string tempPath, string path)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // rename(2) within one file system is atomic: readers see the old file or the new one, never half.
            File.Move(tempPath, path, overwrite: true);
        }
        catch (IOException ex) when (!DiskFull.Is(ex))
        {
            throw new StorageException(StorageErrorKind.InvalidRequest, $"'{key}' conflicts with an existing folder or file", ex);
        }
    }

    private static SafeFileHandle? OpenHandle(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            // A directory, or a file removed since it was resolved: both are "no such object".
            return null;
        }
    }

    /// <summary>What a file at <paramref name="path"/> is now; null when it is gone.</summary>
    internal static ObjectInfo? Describe(string path)
    {
        using var handle = OpenHandle(path);
        return handle is null ? null : Describe(handle);
    }

    private static ObjectInfo Describe(SafeFileHandle handle)
    {
        var length = RandomAccess.GetLength(handle);
        var modified = File.GetLastWriteTimeUtc(handle);
        // Like nginx: modification time and length identify a version well enough for a file store.
        var etag = string.Create(CultureInfo.InvariantCulture, $"\"{modified.Ticks:x}-{length:x}\"");
        return new ObjectInfo(length, etag, new DateTimeOffset(modified, TimeSpan.Zero), null);
    }
}
