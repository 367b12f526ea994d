namespace StreamForge.Gateway.Storage;

/// <summary><c>file:///absolute/dir/</c> or <c>file:relative/dir/</c>: objects are files under <see cref="Root"/>.</summary>
internal sealed record FileStorageAddress(string Root) : StorageAddress
{
    public static FileStorageAddress? FromPath(string rest, string contentRoot, out string? error)
    {
        string path;
        if (rest.StartsWith("///", StringComparison.Ordinal))
        {
            path = rest[2..];
        }
        else if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            error = "file addresses take no host: use file:///absolute/path/ or file:relative/path/";
            return null;
        }
        else
        {
            path = Path.Combine(contentRoot, rest);
        }

        path = Uri.UnescapeDataString(path);
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            error = "the file store path is empty or invalid";
            return null;
        }

        error = null;
        return new FileStorageAddress(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
    }
}
