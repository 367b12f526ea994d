using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Caching;

/// <summary>A caching route's resumable uploads: a completed upload replaces its key, so the cached version goes.</summary>
internal sealed class InvalidatingResumableStore(IResumableStore inner, Action<string> invalidate) : IResumableStore
{
    public bool Accepts(ObjectKey key) => inner.Accepts(key);

    public Task CreateAsync(ResumableUpload upload, CancellationToken cancellationToken) => inner.CreateAsync(upload, cancellationToken);

    public Task<ResumableUpload?> LoadAsync(string id, CancellationToken cancellationToken) => inner.LoadAsync(id, cancellationToken);

    public Task SaveAsync(ResumableUpload upload, CancellationToken cancellationToken) => inner.SaveAsync(upload, cancellationToken);

    public Task<ResumableUpload> AppendAsync(ResumableUpload upload, ResumableAppend append, CancellationToken cancellationToken) =>
        inner.AppendAsync(upload, append, cancellationToken);

    public async Task<ObjectInfo> CompleteAsync(ResumableUpload upload, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.CompleteAsync(upload, cancellationToken);
        }
        finally
        {
            invalidate(upload.Key);
        }
    }

    public IAsyncEnumerable<string> ListIdsAsync(CancellationToken cancellationToken) => inner.ListIdsAsync(cancellationToken);

    public Task DeleteAsync(ResumableUpload upload, CancellationToken cancellationToken) => inner.DeleteAsync(upload, cancellationToken);
}
