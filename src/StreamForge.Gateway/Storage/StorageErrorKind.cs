namespace StreamForge.Gateway.Storage;

/// <summary>Storage failures the gateway distinguishes; mapped to HTTP in Errors/StorageErrorResponder.</summary>
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

    /// <summary>The store's disk (or the writer's quota) is full: the server's problem, not the client's.</summary>
    InsufficientStorage,

    /// <summary>A range read starts at or after the object's end (RFC 9110 section 15.5.17).</summary>
    RangeNotSatisfiable,

    /// <summary>The edge cache holds nothing that satisfies a request that forbids asking upstream (only-if-cached).</summary>
    NotCached,
    Failed,
}
