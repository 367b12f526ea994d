namespace StreamForge.Gateway.Storage;

/// <summary>Storage failures the gateway distinguishes; mapped to HTTP in Errors/StorageErrorMapping.</summary>
internal enum StorageErrorKind
{
    NotFound,
    AccessDenied,
    PreconditionFailed,
    Throttled,
    Unavailable,
    InvalidRequest,
    TooLarge,

    /// <summary>Storage accepted the call but answered nothing (or stopped sending) within the configured timeout.</summary>
    Timeout,
    Failed,
}
