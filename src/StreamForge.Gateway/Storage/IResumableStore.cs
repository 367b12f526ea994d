namespace StreamForge.Gateway.Storage;

/// <summary>
/// Resumable uploads in a store: state and bytes received so far are kept in the store (never in memory), and the
/// object appears under its key only when complete, atomically. Callers hold the upload's lock while they change it.
/// </summary>
internal interface IResumableStore
{
    /// <summary>
    /// Whether an upload may complete under <paramref name="key"/>. Asked at creation, so that a key the store never
    /// serves (a file store's temp folder) is refused before the client sends a byte, not when its last byte is in.
    /// </summary>
    bool Accepts(ObjectKey key) => true;

    /// <summary>Records a new upload; nothing is visible under its key yet.</summary>
    Task CreateAsync(ResumableUpload upload, CancellationToken cancellationToken);

    /// <summary>The upload's state, or null when there is no such upload.</summary>
    Task<ResumableUpload?> LoadAsync(string id, CancellationToken cancellationToken);

    /// <summary>Rewrites the upload's state (expiry, a length that was deferred).</summary>
    Task SaveAsync(ResumableUpload upload, CancellationToken cancellationToken);

    /// <summary>
    /// Appends the body's bytes at the upload's offset until the body ends or fails; every byte received is kept
    /// (a failed read just ends the body). With <see cref="ResumableAppend.Accept"/>, nothing is kept unless it
    /// answers true once the body has ended. Returns the new state, already saved.
    /// </summary>
    Task<ResumableUpload> AppendAsync(ResumableUpload upload, ResumableAppend append, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the complete upload under its key, atomically, and replaces its state by the record of
    /// <see cref="ResumableUpload.AsStored"/> (removed when it expires, or by termination).
    /// </summary>
    Task<ObjectInfo> CompleteAsync(ResumableUpload upload, CancellationToken cancellationToken);

    /// <summary>Removes the upload and everything it holds in the store (termination, expiry); a stored upload's object stays.</summary>
    Task DeleteAsync(ResumableUpload upload, CancellationToken cancellationToken);

    /// <summary>Ids of every upload the store holds, for the expiry sweep.</summary>
    IAsyncEnumerable<string> ListIdsAsync(CancellationToken cancellationToken);
}
