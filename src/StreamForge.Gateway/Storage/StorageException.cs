namespace StreamForge.Gateway.Storage;

/// <summary>A storage call failed in a way the client should hear about (see <see cref="StorageErrorKind"/>).</summary>
internal sealed class StorageException(StorageErrorKind kind, string message, Exception? inner = null, TimeSpan? retryAfter = null)
    : Exception(message, inner)
{
    public StorageErrorKind Kind { get; } = kind;

    /// <summary>When the store asked the caller to slow down (S3 503 SlowDown), how long to wait.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
