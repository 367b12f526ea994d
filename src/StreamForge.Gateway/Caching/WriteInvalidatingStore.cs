using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// A storage route's store whose writes drop the key's cached version: every route onto a cluster shares its cache
/// entries, so a PUT through a write-only route must invalidate what a caching read route serves. Reads pass through.
/// </summary>
internal sealed class WriteInvalidatingStore(IObjectStore inner, Action<string> invalidate) : IObjectStore
{
    public bool SlicesLongRanges => inner.SlicesLongRanges;

    public bool Accepts(ObjectKey key) => inner.Accepts(key);

    public IResumableStore? Resumable => inner.Resumable is { } resumable ? new InvalidatingResumableStore(resumable, invalidate) : null;

    public Task<ObjectInfo?> HeadAsync(ObjectKey key, CancellationToken cancellationToken) => inner.HeadAsync(key, cancellationToken);

    public Task<ObjectContent?> OpenReadAsync(ObjectKey key, ByteSpan? span, string? ifMatch, CancellationToken cancellationToken) =>
        inner.OpenReadAsync(key, span, ifMatch, cancellationToken);

    public Task<ObjectContent?> OpenRangeAsync(ObjectKey key, long first, long last, CancellationToken cancellationToken) =>
        inner.OpenRangeAsync(key, first, last, cancellationToken);

    public async Task<ObjectInfo> PutAsync(ObjectKey key, UploadSource body, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.PutAsync(key, body, cancellationToken);
        }
        finally
        {
            // Also after a failure: the store may have replaced the object before the failure surfaced.
            invalidate(key.Value);
        }
    }

    public Task CheckReadyAsync(CancellationToken cancellationToken) => inner.CheckReadyAsync(cancellationToken);
}
