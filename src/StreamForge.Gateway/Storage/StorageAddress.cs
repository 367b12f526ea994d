namespace StreamForge.Gateway.Storage;

/// <summary>
/// A cluster destination that the gateway serves itself: <c>s3://bucket/prefix/</c> or <c>file:///dir/</c>
/// (or <c>file:relative/dir/</c>, resolved against the content root). Any other scheme is not storage.
/// </summary>
internal abstract record StorageAddress
{
    public const string S3Scheme = "s3://";
    public const string FileScheme = "file:";

    public static bool IsStorage(string address) =>
        address.StartsWith(S3Scheme, StringComparison.OrdinalIgnoreCase) ||
        address.StartsWith(FileScheme, StringComparison.OrdinalIgnoreCase);

    public static bool IsHttp(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) &&
        (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) &&
        !string.IsNullOrEmpty(uri.Host);

    /// <summary>Parses a storage address; returns an error message instead of throwing.</summary>
    public static StorageAddress? Parse(string address, string contentRoot, out string? error)
    {
        if (address.StartsWith(S3Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return S3StorageAddress.FromPath(address[S3Scheme.Length..], out error);
        }

        if (address.StartsWith(FileScheme, StringComparison.OrdinalIgnoreCase))
        {
            return FileStorageAddress.FromPath(address[FileScheme.Length..], contentRoot, out error);
        }

        error = $"'{address}' is neither s3://bucket/prefix/ nor file:///path/";
        return null;
    }
}
