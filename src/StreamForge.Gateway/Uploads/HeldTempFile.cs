namespace StreamForge.Gateway.Uploads;

/// <summary>
/// Creates a temp file held with a lock for as long as its stream is open (a flock on Unix, a share mode on Windows):
/// that hold is how the temp file sweep (Storage/FileSystem/TempFileSweeper.cs), in any gateway sharing the folder,
/// tells a live writer's file from one a killed process left.
/// </summary>
internal static class HeldTempFile
{
    private const int MaxCreateAttempts = 3;

    /// <param name="share">
    /// <see cref="FileShare.None"/> for a file only this process reads; <see cref="FileShare.Read"/> for one a child
    /// process reads by path (a shared flock on Unix, which still keeps the sweep's exclusive one out).
    /// </param>
    /// <returns>The open file, or null when a sweep removed every name tried as it was created.</returns>
    public static FileStream? Create(string folder, FileAccess access, FileShare share)
    {
        Directory.CreateDirectory(folder);
        for (var attempt = 1; attempt <= MaxCreateAttempts; attempt++)
        {
            var path = Path.Combine(folder, Guid.NewGuid().ToString("N"));
            FileStream file;
            try
            {
                file = new FileStream(path, FileMode.CreateNew, access, share, bufferSize: 0, FileOptions.Asynchronous);
            }
            catch (IOException) when (attempt < MaxCreateAttempts)
            {
                // On Unix, creating and locking are two steps: a sweep locked the new file in between. (A full disk
                // fails every attempt alike, and the last one's error goes to the caller.)
                continue;
            }

            // A sweep may also have locked, unlinked and released the new file before this lock was taken: this
            // stream would then fill a file with no name to rename or hand on, so take another name.
            if (File.Exists(path))
            {
                return file;
            }

            file.Dispose();
        }

        return null;
    }
}
