using StreamForge.Gateway.Ranges;
namespace StreamForge.Gateway.Storage;

/// <summary>The port every storage backend implements; keys are already validated by <see cref="ObjectKey"/>.</summary>
internal interface IObjectStore
{
    /// <summary>Metadata of an object, or null when it does not exist.</summary>
    Task<ObjectInfo?> HeadAsync(ObjectKey key, CancellationToken cancellationToken);

    /// <summary>Opens an object (or one span of it) for streaming; null when it does not exist.</summary>
    /// <param name="ifMatch">When set, the read fails with PreconditionFailed unless the object still has this ETag.</param>
    Task<ObjectContent?> OpenReadAsync(ObjectKey key, ByteSpan? span, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>
    /// Opens bytes <paramref name="first"/> to <paramref name="last"/> (clamped to the object's end) in one call, learning
    /// the object's metadata from the same answer: a seek then costs one storage round trip, not a metadata read and a
    /// read. <see cref="ObjectContent.Span"/> holds the bytes delivered; null when the object does not exist; a
    /// <see cref="StorageException"/> of kind <see cref="StorageErrorKind.RangeNotSatisfiable"/> when it starts at or after the end.
    /// </summary>
    Task<ObjectContent?> OpenRangeAsync(ObjectKey key, long first, long last, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="body"/> under <paramref name="key"/>; all or nothing.</summary>
    Task<ObjectInfo> PutAsync(ObjectKey key, UploadSource body, CancellationToken cancellationToken);

    /// <summary>Throws when the store is not reachable (readiness probe).</summary>
    Task CheckReadyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Whether a ranged read should open its next slice while the current one streams (Proxy/SliceReadAhead.cs): true
    /// where every read waits a network round trip for its first byte. False by default, and for the edge cache,
    /// where opening a slice starts a fill that runs to its end whether or not anyone reads it.
    /// </summary>
    bool OpensSlicesAhead => false;

    /// <summary>Resumable (tus) uploads into this store; null when the store offers none.</summary>
    IResumableStore? Resumable => null;
}
