using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// A storage route's store through the edge cache: metadata is answered from the stored version while it is fresh
/// (<c>Ttl</c>), revalidated with one metadata read when stale (a changed object drops the old version's slices), and
/// served stale when storage fails within <c>StaleIfError</c>. Uploads through the gateway drop the key. A miss whose
/// first byte is known (<paramref name="readsFrom"/>) reads the slice holding it instead of the metadata alone
/// (<see cref="HeldStorageRead"/>). Disposed when its request ends, which drops a held read nobody took.
/// </summary>
/// <param name="readsFrom">The first byte the client's GET reads, or null for a HEAD, a suffix range or a conditional GET.</param>
internal sealed class CachingObjectStore(
    EdgeCache cache, IObjectStore inner, long? readsFrom, CacheBinding binding, CacheTrace trace, CacheMetrics metrics, TimeProvider time, ILogger logger)
    : CachedObjectStore(cache, binding, trace, metrics), IObjectStore, IAsyncDisposable // IObjectStore re-implemented so that Resumable maps to this class's member.
{
    /// <summary>The first slice read this request saw, while nobody has taken it (shared with requests collapsed onto it).</summary>
    private HeldStorageRead? _held;

    /// <summary>Writes go to the inner store, which drops the key (<see cref="WriteInvalidatingStore"/>).</summary>
    public IResumableStore? Resumable => inner.Resumable;

    public bool Accepts(ObjectKey key) => inner.Accepts(key);

    public override Task<ObjectInfo> PutAsync(ObjectKey key, UploadSource body, CancellationToken cancellationToken) =>
        inner.PutAsync(key, body, cancellationToken);

    public override Task CheckReadyAsync(CancellationToken cancellationToken) => inner.CheckReadyAsync(cancellationToken);

    protected override UpstreamRead Upstream(ObjectKey key, CachedVersion version) => Upstream(key, version, () => _held);

    /// <param name="held">The first slice read a read may take instead of asking storage, as it stands when the read starts.</param>
    private UpstreamRead Upstream(ObjectKey key, CachedVersion version, Func<HeldStorageRead?> held) => async (slice, token) =>
    {
        try
        {
            return held()?.TryTake(version.ETag, slice)
                ?? await inner.OpenReadAsync(key, slice, version.ETag, token)
                ?? throw new StorageException(StorageErrorKind.PreconditionFailed, $"'{key}' is gone from storage");
        }
        catch (StorageException ex) when (ex.Kind == StorageErrorKind.PreconditionFailed)
        {
            // Replaced or deleted in storage under a version not wholly stored: it goes, so that the next request reads
            // the current one instead of failing on this one's missing slices until Ttl (as on origin routes).
            Cache.Drop(version);
            Trace.Reopen();
            throw;
        }
    };

    protected override async Task<CachedVersion?> LookupAsync(ObjectKey key)
    {
        var cacheKey = new CacheKey(Binding.Namespace, key.Value);
        var stored = Cache.Find(cacheKey) is { } found
            ? found with { Freshness = Binding.StorageFreshness(key.Value, found.Freshness.ResponseTime, found.Headers) }
            : null;
        var now = time.GetUtcNow();
        if (stored is not null && Binding.Accepts(stored, now))
        {
            Trace.Hit(stored.Freshness, now);
            return stored;
        }

        if (Binding.Directives.OnlyIfCached)
        {
            // RFC 9111 section 5.2.1.7: a stored response or 504, never storage.
            Trace.Miss(null, now);
            throw new StorageException(StorageErrorKind.NotCached, $"only-if-cached: no stored response of '{key}' satisfies the request");
        }

        // A fresh version the request refused (no-cache, max-age=0, Pragma) is checked because the request asked.
        var requested = stored is not null && stored.Freshness.IsFresh(now);
        var forward = stored is null ? "miss" : requested ? "request" : "stale";
        StorageLook look;
        try
        {
            // Not the client's token: the answer is shared by every request collapsed onto it, whichever read it is (a
            // HEAD may join a GET's slice read, and a GET a HEAD's metadata read).
            look = await Cache.CollapseAsync(cacheKey.Id, () => LookAsync(key, cacheKey, stored));
        }
        catch (StorageException ex) when (stored is not null && IsUpstreamFailure(ex.Kind) && stored.Freshness.MayServeOnError(now) && Cache.IsComplete(stored))
        {
            CacheLog.ServedStale(logger, key.Value, ex.Kind.ToString());
            Trace.ServedStale(stored.Freshness, now, null);
            return stored;
        }
        catch (StorageException)
        {
            // RFC 9211 section 2.2: forwarded, and why; not "bypass", which says the cache was set not to handle it.
            Trace.Miss(null, now, forward);
            throw;
        }

        await Hold(look.Read);
        if (look.Version is not { } current)
        {
            Trace.Miss(null, now);
            return null;
        }

        now = time.GetUtcNow();
        if (stored is not null && stored.SameVersionAs(current))
        {
            Trace.Revalidated(current.Freshness, now, StatusCodes.Status200OK, requested);
        }
        else if (stored is not null)
        {
            Trace.Replaced(current.Freshness, now, requested);
        }
        else
        {
            Trace.Miss(current.Freshness, now);
        }

        if (!look.Saved || !Cache.IsStoring)
        {
            Trace.NothingStored();
        }

        return current;
    }

    /// <summary>A storage read's answer for every request collapsed onto it: the read, the version it told, and whether that was saved.</summary>
    private sealed record StorageLook(HeldStorageRead? Read, CachedVersion? Version, bool Saved);

    /// <summary>
    /// Reads storage once for the requests collapsed onto it, and saves what it found before any of them goes on: a
    /// request arriving between the read's end and the save would otherwise read the same slice again.
    /// </summary>
    private async Task<StorageLook> LookAsync(ObjectKey key, CacheKey cacheKey, CachedVersion? stored)
    {
        var read = stored is null && readsFrom is { } first ? await FirstSliceAsync(key, Binding.SliceHolding(first)) : await MetadataAsync(key);
        if (read?.Info is not { } info)
        {
            Cache.Remove(cacheKey);
            return new StorageLook(read, null, Saved: false);
        }

        var objectHeaders = info.Headers is { } kept ? new StoredHeaders(kept) : null;
        var freshness = Binding.StorageFreshness(key.Value, time.GetUtcNow(), objectHeaders);
        var current = new CachedVersion(cacheKey, info.ETag, info.LastModified, info.Length, info.ContentType, Binding.SliceSize, freshness, objectHeaders);
        if (stored is not null && stored.SameVersionAs(current))
        {
            current = stored with { Freshness = freshness };
        }

        if (Cache.RemovedSince(cacheKey, read.RemovalMark))
        {
            // An upload through the gateway dropped the key while this read was on its way: what it got may be the object
            // the upload replaced. The requests that began before the upload was answered are served from it (pinned to
            // it); it is not stored, or later requests would get the old object for a whole Ttl.
            return new StorageLook(read, current, Saved: false);
        }

        var startFill = stored is null && read.HoldsSlice && readsFrom is { } firstByte
            ? ReserveFill(current, firstByte, Upstream(key, current, () => read))
            : null;
        try
        {
            Cache.Save(current);
        }
        finally
        {
            startFill?.Invoke();
        }

        return new StorageLook(read, current, Saved: true);
    }

    /// <summary>The <paramref name="slice"/>, held; null when the object does not exist.</summary>
    private async Task<HeldStorageRead?> FirstSliceAsync(ObjectKey key, ByteSpan slice)
    {
        try
        {
            var mark = Cache.RemovalMark;
            return await inner.OpenRangeAsync(key, slice.First, slice.Last, CancellationToken.None) is { } content
                ? new HeldStorageRead(content, mark)
                : null;
        }
        catch (StorageException ex) when (ex.Kind == StorageErrorKind.RangeNotSatisfiable)
        {
            // A seek past the end, or an empty object: the metadata alone, so that the download handler answers it.
            return await MetadataAsync(key);
        }
    }

    private async Task<HeldStorageRead?> MetadataAsync(ObjectKey key)
    {
        var mark = Cache.RemovalMark;
        return await inner.HeadAsync(key, CancellationToken.None) is { } info ? new HeldStorageRead(new ObjectContent(info, Stream.Null, null), mark) : null;
    }

    /// <summary>
    /// Keeps the read this request saw, and drops one it saw before: a request may look more than once (a HEAD, then
    /// the body's read, when the stored version is refused each time), and a read nobody takes holds a connection.
    /// </summary>
    private ValueTask Hold(HeldStorageRead? held) =>
        Interlocked.Exchange(ref _held, held) is { } previous && previous != held ? previous.DisposeAsync() : ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _held?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static bool IsUpstreamFailure(StorageErrorKind kind) =>
        kind is StorageErrorKind.Unavailable or StorageErrorKind.Timeout or StorageErrorKind.Throttled or StorageErrorKind.Failed;
}
