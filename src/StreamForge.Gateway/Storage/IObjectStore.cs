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

    /// <summary>
    /// Whether the store can hold an object under <paramref name="key"/> at all, asked before any call: S3's 1024-byte
    /// limit counts the cluster's prefix too, which <see cref="ObjectKey"/> cannot know.
    /// </summary>
    bool Accepts(ObjectKey key) => true;

    /// <summary>Throws when the store is not reachable (readiness probe).</summary>
    Task CheckReadyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Whether long and open-ended client ranges are read in aligned slices of the policy's <c>SliceSize</c>
    /// (Proxy/RangedBodyWriter.cs), as the edge cache stores them. A store for which every read is a billed request
    /// that waits for its first byte (S3) reads a client's range in one piece instead: a client that hangs up costs
    /// what was in flight either way, since the read is cut off with the response.
    /// </summary>
    bool SlicesLongRanges => true;

    /// <summary>
    /// The spans a ranged response is about to read, piece by piece, before its first is opened: a store that says how
    /// it answers (the edge cache's Cache-Status, written as the response starts) needs all of them, not the first.
    /// </summary>
    void PlanReads(IReadOnlyList<ByteSpan> spans)
    {
    }

    /// <summary>Resumable (tus) uploads into this store; null when the store offers none.</summary>
    IResumableStore? Resumable => null;
}
