using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// A storage route's store seen through the edge cache, for one request. Metadata is answered from the stored
/// version while it is fresh (<c>Ttl</c>), revalidated with one metadata read when stale (a changed object drops
/// the old version's slices), and served stale when upstream fails within <c>StaleIfError</c>. Bodies come from
/// slices (<see cref="CachedBodyStream"/>). The download handler above stays the same: it plans 200/206/304/412/416
/// from this metadata, and its pinned reads (If-Match) hold against the cached version, so no response mixes two.
/// Uploads through the gateway drop the key.
/// </summary>
internal sealed class CachingObjectStore(
    EdgeCache cache, IObjectStore inner, CacheBinding binding, CacheTrace trace, CacheMetrics metrics, TimeProvider time, ILogger logger)
    : IObjectStore
{
    public IResumableStore? Resumable => inner.Resumable is { } resumable ? new InvalidatingResumableStore(resumable, key => Invalidate(key)) : null;

    public async Task<ObjectInfo?> HeadAsync(ObjectKey key, CancellationToken cancellationToken) => (await LookupAsync(key))?.Info;

    public async Task<ObjectContent?> OpenReadAsync(ObjectKey key, ByteSpan? span, string? ifMatch, CancellationToken cancellationToken)
    {
        var version = await LookupAsync(key);
        if (version is null)
        {
            return null;
        }

        if (ifMatch is not null && ifMatch != version.ETag)
        {
            throw new StorageException(StorageErrorKind.PreconditionFailed, $"'{key}' changed (now {version.ETag})");
        }

        return Open(key, version, span ?? (version.Length == 0 ? null : new ByteSpan(0, version.Length - 1)), span);
    }

    public async Task<ObjectContent?> OpenRangeAsync(ObjectKey key, long first, long last, CancellationToken cancellationToken)
    {
        var version = await LookupAsync(key);
        if (version is null)
        {
            return null;
        }

        if (first >= version.Length)
        {
            throw new StorageException(StorageErrorKind.RangeNotSatisfiable, $"'{key}' has {version.Length} bytes");
        }

        var span = new ByteSpan(first, Math.Min(last, version.Length - 1));
        return Open(key, version, span, span);
    }

    public async Task<ObjectInfo> PutAsync(ObjectKey key, UploadSource body, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.PutAsync(key, body, cancellationToken);
        }
        finally
        {
            // Also after a failure: the store may have replaced the object before the failure surfaced.
            Invalidate(key.Value);
        }
    }

    public Task CheckReadyAsync(CancellationToken cancellationToken) => inner.CheckReadyAsync(cancellationToken);

    private void Invalidate(string key) => cache.Remove(new CacheKey(binding.Namespace, key));

    private ObjectContent Open(ObjectKey key, CachedVersion version, ByteSpan? bodySpan, ByteSpan? reported)
    {
        if (bodySpan is not { } span)
        {
            return new ObjectContent(version.Info, Stream.Null, reported);
        }

        var allOnDisk = true;
        var joined = false;
        for (var index = span.First / version.SliceSize; index <= span.Last / version.SliceSize; index++)
        {
            var state = cache.Probe(version, index);
            allOnDisk &= state == SliceState.OnDisk;
            joined |= state == SliceState.Filling;
        }

        trace.Body(allOnDisk, joined);
        if (joined)
        {
            metrics.Collapsed(binding.Fill.RouteId);
        }

        UpstreamRead upstream = async (slice, token) =>
            await inner.OpenReadAsync(key, slice, version.ETag, token)
            ?? throw new StorageException(StorageErrorKind.PreconditionFailed, $"'{key}' is gone from storage");
        return new ObjectContent(version.Info, new CachedBodyStream(cache, version, span, upstream, binding.Fill, metrics), reported);
    }

    /// <summary>The version to answer with: stored and fresh, revalidated, fetched, or stale on upstream failure; null when there is no object.</summary>
    private async Task<CachedVersion?> LookupAsync(ObjectKey key)
    {
        var cacheKey = new CacheKey(binding.Namespace, key.Value);
        var stored = cache.Find(cacheKey);
        var now = time.GetUtcNow();
        if (stored is not null && stored.Freshness.IsFresh(now) && !binding.RequireValidation)
        {
            trace.Hit(stored.Freshness, now);
            return stored;
        }

        ObjectInfo? info;
        try
        {
            // Not the client's token: the answer is shared by every request collapsed onto it.
            info = await cache.CollapseAsync(cacheKey.Id, () => inner.HeadAsync(key, CancellationToken.None));
        }
        catch (StorageException ex) when (stored is not null && IsUpstreamFailure(ex.Kind) && stored.Freshness.MayServeOnError(now))
        {
            CacheLog.ServedStale(logger, key.Value, ex.Kind.ToString());
            trace.ServedStale(stored.Freshness, now, null);
            return stored;
        }

        if (info is null)
        {
            cache.Remove(cacheKey);
            trace.Miss(stored: false);
            return null;
        }

        now = time.GetUtcNow();
        var freshness = Freshness.ForStorage(now, binding.Policy.Ttl, binding.Policy.StaleIfError);
        var current = new CachedVersion(cacheKey, info.ETag, info.LastModified, info.Length, info.ContentType, stored?.SliceSize ?? binding.SliceSize, freshness);
        if (stored is not null && stored.SameVersionAs(current))
        {
            current = stored with { Freshness = freshness };
            trace.Revalidated(freshness, now, StatusCodes.Status200OK);
        }
        else if (stored is not null)
        {
            current = current with { SliceSize = binding.SliceSize };
            trace.Replaced();
        }
        else
        {
            trace.Miss(stored: true);
        }

        cache.Save(current);
        return current;
    }

    private static bool IsUpstreamFailure(StorageErrorKind kind) =>
        kind is StorageErrorKind.Unavailable or StorageErrorKind.Timeout or StorageErrorKind.Throttled or StorageErrorKind.Failed;
}
