namespace StreamForge.Gateway.Storage.FileSystem;

/// <summary>
/// Maps keys to paths under the store's root and refuses any path that would leave it, through ".."
/// (already excluded by <see cref="ObjectKey"/>) or through a symbolic link that points outside.
/// </summary>
internal sealed class FileStorePaths
{
    /// <summary>Uploads are written here first and renamed into place, so readers never see half a file.</summary>
    public const string TempFolderName = ".streamforge-tmp";

    public FileStorePaths(string root)
    {
        Directory.CreateDirectory(root);
        Root = RealPath(root);
        TempFolder = Path.Combine(Root, TempFolderName);
        ResumableFolder = Path.Combine(Root, ResumableNames.Folder);
    }

    public string Root { get; }

    public string TempFolder { get; }

    /// <summary>Resumable uploads: their state and the bytes received so far, renamed into place when complete.</summary>
    public string ResumableFolder { get; }

    /// <summary>The file path for a key, or null when the key may not be served by this store.</summary>
    public string? Resolve(ObjectKey key)
    {
        if (key.Segments.First() is TempFolderName or ResumableNames.Folder)
        {
            return null;
        }

        var path = Path.GetFullPath(Path.Combine(Root, key.Value));
        return IsInsideRoot(path) && !EscapesThroughLink(path) ? path : null;
    }

    private bool IsInsideRoot(string path) =>
        path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>True when any existing component below the root is a link whose final target is outside it.</summary>
    private bool EscapesThroughLink(string path)
    {
        var current = path;
        while (current.Length > Root.Length)
        {
            var info = new FileInfo(current);
            if (info.Exists || Directory.Exists(current))
            {
                if (info.LinkTarget is not null && !IsInsideRoot(RealPath(current)))
                {
                    return true;
                }
            }

            current = Path.GetDirectoryName(current)!;
        }

        return false;
    }

    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        var target = info.LinkTarget is not null ? info.ResolveLinkTarget(returnFinalTarget: true) : null;
        if (target is not null)
        {
            return Path.TrimEndingDirectorySeparator(Path.GetFullPath(target.FullName));
        }

        var parent = Path.GetDirectoryName(full);
        return parent is null || parent == full
            ? Path.TrimEndingDirectorySeparator(full)
            : Path.Combine(RealPath(parent), Path.GetFileName(full));
    }
}
