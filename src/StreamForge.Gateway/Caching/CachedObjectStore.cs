using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// A store seen through the edge cache for one request: metadata comes from <see cref="LookupAsync"/> (stored,
/// revalidated or fetched), bodies from slices (<see cref="CachedBodyStream"/>). The download handler above plans
/// 200/206/304/412/416 from this metadata as for any store, and its pinned reads (If-Match) hold against the cached
/// version, so no response mixes two.
/// </summary>
internal abstract class CachedObjectStore(EdgeCache cache, CacheBinding binding, CacheTrace trace, CacheMetrics metrics) : IObjectStore
{
    /// <summary>The slice this request's look started filling: reading it is not joining another request's fill.</summary>
    private (string Tag, long Index) _filledAtOnce = (string.Empty, -1);

    /// <summary>The version the request's last metadata read (<see cref="HeadAsync"/>) planned its response on.</summary>
    private CachedVersion? _planned;

    protected EdgeCache Cache => cache;

    /// <summary>The slice this request's look started filling, or one its fill went on into (a whole body read slice after slice).</summary>
    private bool FilledByThisRequest(CachedVersion version, long index) =>
        version.Tag == _filledAtOnce.Tag && (index == _filledAtOnce.Index || (version.WholeBodyOnly && index > _filledAtOnce.Index));

    protected CacheBinding Binding => binding;

    protected CacheTrace Trace => trace;

    public async Task<ObjectInfo?> HeadAsync(ObjectKey key, CancellationToken cancellationToken) => (_planned = await LookupAsync(key))?.Info;

    public async Task<ObjectContent?> OpenReadAsync(ObjectKey key, ByteSpan? span, string? ifMatch, CancellationToken cancellationToken)
    {
        // A piece of a response planned on a version (a slice of a range, a part) reads that version: looked up again, a
        // request that refuses stored copies (no-cache, max-age=0) had the origin asked once more for every piece.
        var version = ifMatch is not null && _planned is { } planned && planned.ETag == ifMatch ? planned : await LookupAsync(key);
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

    public abstract Task<ObjectInfo> PutAsync(ObjectKey key, UploadSource body, CancellationToken cancellationToken);

    public abstract Task CheckReadyAsync(CancellationToken cancellationToken);

    /// <summary>The version to answer with, or null when upstream has no such object.</summary>
    protected abstract Task<CachedVersion?> LookupAsync(ObjectKey key);

    /// <summary>Reads a span of <paramref name="version"/> from upstream, pinned to it.</summary>
    protected abstract UpstreamRead Upstream(ObjectKey key, CachedVersion version);

    /// <summary>
    /// Registers the fill of the slice holding byte <paramref name="first"/>, fed by the read a miss's look just made
    /// (<paramref name="upstream"/> takes that read), before the version is saved, so that no request finding the
    /// version starts a read of that slice of its own. The returned action starts it once the version is saved (the
    /// fill commits only under a saved version); null when no fill was registered (the slice is stored or being
    /// filled, or the cache cannot store now). The fill goes on whoever reads: it stores the slice the look paid for.
    /// </summary>
    protected Action? ReserveFill(CachedVersion version, long first, UpstreamRead upstream)
    {
        if (first >= version.Length)
        {
            return null;
        }

        var index = first / version.SliceSize;
        var opening = cache.OpenSlice(version, index, upstream, binding.Fill, deferStart: true);
        opening.OnDisk?.Dispose();
        if (opening is { Fill: not null, Joined: false })
        {
            _filledAtOnce = (version.Tag, index);
        }

        return opening.Start;
    }

    /// <summary>A response read in pieces (ranges, multipart parts) is a hit only when every piece's slices are on disk.</summary>
    public void PlanReads(IReadOnlyList<ByteSpan> spans)
    {
        if (_planned is not { } version)
        {
            return;
        }

        var states = spans.SelectMany(span => SliceIndexes(version, span)).Select(index => cache.Probe(version, index)).ToList();
        if (binding.Directives.OnlyIfCached && states.Contains(SliceState.Missing))
        {
            // RFC 9111 section 5.2.1.7, before the 206 starts: a piece the cache would read upstream is not stored.
            throw new StorageException(StorageErrorKind.NotCached, "only-if-cached: the ranges asked for are not wholly stored");
        }

        trace.Body(states.All(state => state == SliceState.OnDisk), joinedFill: false);
    }

    private static IEnumerable<long> SliceIndexes(CachedVersion version, ByteSpan span)
    {
        for (var index = span.First / version.SliceSize; index <= span.Last / version.SliceSize; index++)
        {
            yield return index;
        }
    }

    private ObjectContent Open(ObjectKey key, CachedVersion version, ByteSpan? bodySpan, ByteSpan? reported)
    {
        if (bodySpan is not { } span)
        {
            return new ObjectContent(version.Info, Stream.Null, reported);
        }

        var allOnDisk = true;
        var joined = false;
        var anyMissing = false;
        for (var index = span.First / version.SliceSize; index <= span.Last / version.SliceSize; index++)
        {
            var state = cache.Probe(version, index);
            allOnDisk &= state == SliceState.OnDisk;
            joined |= state == SliceState.Filling && !FilledByThisRequest(version, index);
            anyMissing |= state == SliceState.Missing;
        }

        if (anyMissing && binding.Directives.OnlyIfCached)
        {
            // RFC 9111 section 5.2.1.7: metadata alone is not a stored response when this request would read its body
            // upstream (a slice being filled is joined, not read again).
            throw new StorageException(StorageErrorKind.NotCached, $"only-if-cached: '{key}' is not wholly stored for this request");
        }

        trace.Body(allOnDisk, joined);
        if (joined)
        {
            metrics.Collapsed(binding.Fill.RouteId);
        }

        return new ObjectContent(version.Info, new CachedBodyStream(cache, version, span, Upstream(key, version), binding.Fill, metrics), reported);
    }
}
