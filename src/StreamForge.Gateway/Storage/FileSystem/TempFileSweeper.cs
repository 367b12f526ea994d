using StreamForge.Gateway.Diagnostics;

namespace StreamForge.Gateway.Storage.FileSystem;

/// <summary>
/// Removes temp files that uploads left behind when their process died (<c>kill -9</c>, a crash, power loss),
/// without touching one that a live upload (of this or another gateway sharing the folder) is writing. Writers hold
/// their temp file with <see cref="FileShare.None"/> (<see cref="FileObjectStore"/>), an exclusive flock on Unix that
/// the kernel drops when the process dies: a file this sweep can open the same way has no writer left.
/// </summary>
internal sealed class TempFileSweeper(TimeProvider time, ILogger<TempFileSweeper> logger)
{
    /// <summary>Sweeps one temp folder; returns how many files it removed.</summary>
    /// <param name="maxAge">A file not written for this long goes even if held: a hung writer, or a lock a dead NFS client left.</param>
    public int Sweep(string tempFolder, TimeSpan maxAge)
    {
        if (!Directory.Exists(tempFolder))
        {
            return 0;
        }

        var locksEnforced = LocksAreEnforced(tempFolder);
        if (!locksEnforced)
        {
            GatewayLog.TempFileLocksNotEnforced(logger, tempFolder, maxAge);
        }

        var removed = 0;
        foreach (var path in Directory.GetFiles(tempFolder))
        {
            try
            {
                removed += SweepOne(new FileInfo(path), maxAge, locksEnforced) ? 1 : 0;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // One file that cannot be removed (permissions) must not keep the others; the next sweep tries again.
                GatewayLog.TempSweepFailed(logger, path, ex);
            }
        }

        return removed;
    }

    private bool SweepOne(FileInfo file, TimeSpan maxAge, bool locksEnforced)
    {
        if (!file.Exists)
        {
            return false; // Its upload finished (renamed into place) or failed (deleted) since the listing.
        }

        // Read before removing: a FileInfo forgets what it knew once it deletes its file.
        var (path, length, written) = (file.FullName, file.Length, file.LastWriteTimeUtc);
        if (locksEnforced && TryRemoveUnheld(path))
        {
            GatewayLog.TempFileRemoved(logger, path, length);
            return true;
        }

        if (time.GetUtcNow().UtcDateTime - written <= maxAge)
        {
            return false;
        }

        File.Delete(path);
        GatewayLog.StaleTempFileRemoved(logger, path, length, maxAge);
        return true;
    }

    /// <summary>Removes the file when nobody holds it; false when a writer does, or it is gone already.</summary>
    private static bool TryRemoveUnheld(string path)
    {
        try
        {
            using (File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.None))
            {
                if (!OperatingSystem.IsWindows())
                {
                    // Unlinked while the lock is held: a writer that has created the file but not yet locked it
                    // cannot take it now, and FileObjectStore then writes to a fresh name instead.
                    File.Delete(path);
                    return true;
                }
            }

            // Windows applies share modes as it creates a file, so no writer sits between creating and holding one;
            // and it cannot delete a file this sweep still has open.
            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            return false; // A sharing violation (a live writer), or not found (finished meanwhile).
        }
    }

    /// <summary>
    /// Whether <see cref="FileShare.None"/> keeps out a second opener in this folder. .NET skips the flock where the
    /// file system refuses it (some NFS and SMB mounts) or DOTNET_SYSTEM_IO_DISABLEFILELOCKING is set; then an
    /// abandoned file looks like a live upload's, and only <c>maxAge</c> may remove either.
    /// </summary>
    private static bool LocksAreEnforced(string folder)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (ProbeLocks(folder) is { } verdict)
            {
                return verdict;
            }

            if (attempt == 3)
            {
                return false; // No verdict: the cautious answer keeps live uploads safe.
            }
        }
    }

    private static bool? ProbeLocks(string folder)
    {
        var probe = Path.Combine(folder, Guid.NewGuid().ToString("N"));
        using var held = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.DeleteOnClose);
        try
        {
            using var second = File.OpenHandle(probe, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (FileNotFoundException)
        {
            return null; // Another instance's sweep took the probe between its creation and its lock.
        }
        catch (IOException)
        {
            return true;
        }
    }
}
