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
    Failed,
}
