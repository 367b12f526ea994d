using System.Collections.Concurrent;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// The gateway's disk cache of object versions cut into aligned slices (files: <see cref="CacheDirectory"/>). The
/// index is rebuilt from the directory at start, so a restart keeps the cache; temp files of fills a crash
/// interrupted are deleted then. Disk trouble never fails a response:
/// the cache stops storing for a while and readers go upstream.
/// </summary>
internal sealed class EdgeCache : IDisposable
{
    private static readonly TimeSpan PauseAfterDiskError = TimeSpan.FromSeconds(30);

    private readonly CacheDirectory _directory;
    private readonly SliceIndex _index;
    private readonly CacheMetrics _metrics;
    private readonly ILogger<EdgeCache> _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, CachedVersion> _versions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SliceFill> _fills = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<object?>>> _lookups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Namespace, string Key), IReadOnlyList<string>> _vary = new();
    private readonly ConcurrentDictionary<(string Namespace, string Key), DateTimeOffset> _uncacheable = new();
    private readonly ConcurrentDictionary<string, long> _removedAt = new(StringComparer.Ordinal);
    private readonly VersionReaders _readers = new();
    private readonly Lock _fillsGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private long _pausedUntilTicks;
    private long _removals;
    private long _removalsForgotten;

    public EdgeCache(CacheSettings settings, CacheMetrics metrics, ILogger<EdgeCache> logger, TimeProvider time)
    {
        _directory = new CacheDirectory(settings.Directory);
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _index = new SliceIndex(settings.MaxSize, Evicted);
        Load();
        metrics.ObserveSize(() => _index.Bytes, () => _index.Count);
    }

    /// <summary>Bytes of slices on disk.</summary>
    public long Size => _index.Bytes;

    /// <summary>The stored version for <paramref name="key"/>, or null.</summary>
    public CachedVersion? Find(CacheKey key) => _versions.TryGetValue(key.Id, out var version) && version.Key == key ? version : null;

    /// <summary>Every stored version of one upstream, for purges and variant lookups.</summary>
    public IEnumerable<CachedVersion> Versions(string ns) => _versions.Values.Where(v => v.Key.Namespace == ns);

    /// <summary>
    /// Runs <paramref name="fetch"/> once for all concurrent callers with the same <paramref name="id"/>: a cold
    /// object opened by fifty clients costs upstream one metadata read, not fifty.
    /// </summary>
    public async Task<T> CollapseAsync<T>(string id, Func<Task<T>> fetch)
    {
        var lookup = _lookups.GetOrAdd(id, _ => new Lazy<Task<object?>>(async () => await fetch()));
        try
        {
            return (T)(await lookup.Value)!;
        }
        finally
        {
            _lookups.TryRemove(new KeyValuePair<string, Lazy<Task<object?>>>(id, lookup));
        }
    }

    /// <summary>The request headers a key's origin responses vary on (RFC 9111 section 4.1); empty when they vary on none.</summary>
    public IReadOnlyList<string> VaryOf(string ns, string key) => _vary.TryGetValue((ns, key), out var names) ? names : [];

    /// <summary>
    /// Remembers that a key's origin response could not be stored (no-store, private, no validator, ...) so that
    /// requests go straight through until <paramref name="until"/>, without probing the origin first each time.
    /// </summary>
    public void MarkUncacheable(string ns, string key, DateTimeOffset until) => _uncacheable[(ns, key)] = until;

    public bool IsUncacheable(string ns, string key, DateTimeOffset now)
    {
        if (!_uncacheable.TryGetValue((ns, key), out var until))
        {
            return false;
        }

        if (until > now)
        {
            return true;
        }

        _uncacheable.TryRemove((ns, key), out _);
        return false;
    }

    /// <summary>Stores (or refreshes) a version; a different version of the same key drops the old one's slices.</summary>
    public void Save(CachedVersion version)
    {
        var id = version.Key.Id;
        var previous = _versions.TryGetValue(id, out var old) ? old : null;
        _versions[id] = version;
        RememberVary(version);
        _uncacheable.TryRemove((version.Key.Namespace, version.Key.Key), out _);
        if (previous is not null && !previous.SameVersionAs(version))
        {
            // Responses already reading the old version finish on it (its slices are deleted after them): it was a
            // whole, consistent answer when they started.
            DropSlices(id, keepTag: version.Tag, afterReaders: true);
        }

        if (!IsStoring)
        {
            return;
        }

        try
        {
            _directory.WriteVersion(version);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Pause(ex);
        }
    }

    /// <summary>
    /// A temp file to copy an answer of unknown length into while it is passed on (<see cref="SpoolingContent"/>),
    /// deleted when closed; null when the cache does not store now.
    /// </summary>
    public FileStream? OpenSpool(CacheKey key)
    {
        if (!IsStoring)
        {
            return null;
        }

        try
        {
            return new FileStream(_directory.SpoolPath(key.Id), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Delete, bufferSize: 0,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Pause(ex);
            return null;
        }
    }

    /// <summary>Where the order of removals stands: a lookup takes it before it reads upstream (<see cref="RemovedSince"/>).</summary>
    public long RemovalMark => Interlocked.Read(ref _removals);

    /// <summary>
    /// Whether <paramref name="key"/> was removed (an upload, a purge) after <paramref name="mark"/>: what a lookup that
    /// started reading before then got may be the object the upload replaced, and must not be saved over its removal.
    /// </summary>
    public bool RemovedSince(CacheKey key, long mark) =>
        mark < Interlocked.Read(ref _removalsForgotten) || RemovedAfter(key.Id, mark)
        || (key.Variant.Length > 0 && RemovedAfter(new CacheKey(key.Namespace, key.Key).Id, mark)); // A purge of the URL, every variant.

    private bool RemovedAfter(string id, long mark) => _removedAt.TryGetValue(id, out var at) && at > mark;

    /// <summary>Forgets a key's version and deletes its slices (an upload replaced it, or a purge).</summary>
    public bool Remove(CacheKey key)
    {
        MarkRemoved(key.Id);
        if (!_versions.TryRemove(key.Id, out _))
        {
            return false;
        }

        DropSlices(key.Id, keepTag: null);
        _directory.DeleteEntry(key.Id);

        return true;
    }

    /// <summary>
    /// Forgets <paramref name="version"/> when it is still the one stored under its key: a reader of an older version
    /// that finds it changed upstream must not drop the newer one another request stored meanwhile.
    /// </summary>
    public bool Drop(CachedVersion version)
    {
        var id = version.Key.Id;
        if (!_versions.TryGetValue(id, out var current) || current.Tag != version.Tag || !_versions.TryRemove(new KeyValuePair<string, CachedVersion>(id, current)))
        {
            return false;
        }

        DropSlices(id, keepTag: null);
        _directory.DeleteEntry(id);
        return true;
    }

    /// <summary>Marks tell lookups in flight; only the latest ones are kept, and a lookup older than all of them saves nothing.</summary>
    private const int RemovalMarksKept = 4096;

    private void MarkRemoved(string id)
    {
        _removedAt[id] = Interlocked.Increment(ref _removals);
        // Requests from now on read anew rather than join a read that began before the upload.
        _lookups.TryRemove(id, out _);
        if (_removedAt.Count > 2 * RemovalMarksKept)
        {
            var forgotten = Interlocked.Read(ref _removals) - RemovalMarksKept;
            Interlocked.Exchange(ref _removalsForgotten, forgotten);
            foreach (var (oldId, at) in _removedAt.Where(entry => entry.Value <= forgotten).ToList())
            {
                _removedAt.TryRemove(new KeyValuePair<string, long>(oldId, at));
            }
        }
    }

    /// <summary>Removes one key (every variant) or every key under a prefix of one upstream; returns how many versions went.</summary>
    public int Purge(string ns, string key, bool prefix)
    {
        if (!prefix)
        {
            MarkRemoved(new CacheKey(ns, key).Id); // Even with nothing stored yet: a look on its way must not store over it.
        }

        foreach (var marked in _uncacheable.Keys.Where(k => k.Namespace == ns && (prefix ? k.Key.StartsWith(key, StringComparison.Ordinal) : k.Key == key)))
        {
            _uncacheable.TryRemove(marked, out _);
        }

        return Versions(ns)
            .Where(v => prefix ? v.Key.Key.StartsWith(key, StringComparison.Ordinal) : v.Key.Key == key)
            .ToList()
            .Count(v => Remove(v.Key));
    }

    /// <summary>Whether every slice of the version is on disk, so that serving it cannot need upstream (barring eviction).</summary>
    public bool IsComplete(CachedVersion version)
    {
        for (var index = 0L; index * version.SliceSize < version.Length; index++)
        {
            if (Probe(version, index) != SliceState.OnDisk)
            {
                return false;
            }
        }

        return true;
    }

    public SliceState Probe(CachedVersion version, long index)
    {
        var path = _directory.SlicePath(version, index);
        return _index.Contains(path) ? SliceState.OnDisk : _fills.ContainsKey(path) ? SliceState.Filling : SliceState.Missing;
    }

    /// <summary>
    /// Slice <paramref name="index"/> of <paramref name="version"/>: open on disk, or the fill that is bringing it in
    /// (joined when one runs, started otherwise), or <see cref="SliceOpening.Bypass"/> when the cache cannot store now.
    /// </summary>
    /// <param name="deferStart">
    /// Register a new fill without starting it: the caller starts it (<see cref="SliceOpening.Start"/>) once the version is
    /// saved, so that requests finding the version join this fill, and the fill finds its version when it commits.
    /// </param>
    public SliceOpening OpenSlice(CachedVersion version, long index, UpstreamRead upstream, FillOptions options, bool deferStart = false)
    {
        var path = _directory.SlicePath(version, index);
        while (true)
        {
            if (OpenStored(path) is { } stored)
            {
                return stored;
            }

            SliceFill fill;
            lock (_fillsGate)
            {
                if (_fills.TryGetValue(path, out var running))
                {
                    return new SliceOpening(null, running, true);
                }

                // A fill that finished after the lookup above is in the index by now (Finished adds it there before it
                // drops the fill): open it rather than read the slice from upstream a second time.
                if (_index.Contains(path))
                {
                    continue;
                }

                if (!IsStoring)
                {
                    return SliceOpening.Bypass;
                }

                try
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    fill = new SliceFill(path, version.SliceSpan(index));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    Pause(ex);
                    return SliceOpening.Bypass;
                }

                _fills[path] = fill;
            }

            if (!deferStart)
            {
                _ = RunFillAsync(fill, path, version, upstream, options);
            }

            return new SliceOpening(null, fill, false, deferStart ? () => _ = RunFillAsync(fill, path, version, upstream, options) : null);
        }
    }

    /// <summary>The stored slice at <paramref name="path"/>, opened, or null when the index has none (or its file is gone).</summary>
    private SliceOpening? OpenStored(string path)
    {
        if (!_index.TryTouch(path))
        {
            return null;
        }

        try
        {
            return new SliceOpening(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), null, false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _index.Remove(path); // Deleted behind the cache's back: fill it again.
            return null;
        }
    }

    /// <summary>Counts a response reading <paramref name="version"/>'s body until disposed (see <see cref="VersionReaders"/>).</summary>
    public IDisposable BeginRead(CachedVersion version) => _readers.Begin(version);

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    /// <summary>
    /// Runs a fill, and for a version read in one piece (an origin that ignores ranges) goes on into the next missing
    /// slice from the same upstream body while someone still reads: the body is read once, not once per slice.
    /// </summary>
    private async Task RunFillAsync(SliceFill fill, string path, CachedVersion version, UpstreamRead upstream, FillOptions options)
    {
        ObjectContent? content = null;
        try
        {
            var index = fill.Span.First / version.SliceSize;
            while (true)
            {
                // Registered before this slice's last byte, so a reader moving on joins it rather than starting its own read.
                var next = version.WholeBodyOnly && TryChain(version, index + 1, out var chained, out var chainedPath) ? (Fill: chained, Path: chainedPath) : default;
                using var room = _index.Reserve(fill.Span.Length);
                var upstreamSpan = version.WholeBodyOnly ? new ByteSpan(fill.Span.First, version.Length - 1) : fill.Span;
                var committed = await fill.RunAsync(
                    async token => (content ??= await upstream(upstreamSpan, token)).Body,
                    options,
                    keep: () => Find(version.Key)?.Tag == version.Tag,
                    bytes => _metrics.UpstreamBytes(options.RouteId, bytes),
                    onCommitted: () => _index.Add(path, fill.Span.Length),
                    _stopping.Token);
                Finished(fill, path, version, committed);
                if (next.Fill is null)
                {
                    return;
                }

                if (!committed || !_readers.AnyOf(version))
                {
                    next.Fill.Abandon();
                    Finished(next.Fill, next.Path, version, committed: false);
                    return;
                }

                (fill, path) = next;
                index++;
            }
        }
        finally
        {
            if (content is not null)
            {
                await content.DisposeAsync();
            }
        }
    }

    private void Finished(SliceFill fill, string path, CachedVersion version, bool committed)
    {
        // A committed slice was indexed by its fill (onCommitted), before its last bytes were published.
        if (!committed && fill.DiskFailed)
        {
            Pause(fill.Failure!);
        }
        else if (!committed && fill.Failure is { } failure and not OperationCanceledException)
        {
            CacheLog.FillFailed(_logger, version.Key.Key, fill.Span.First, failure.Message);
        }

        _fills.TryRemove(new KeyValuePair<string, SliceFill>(path, fill));
    }

    /// <summary>Registers the fill of the next slice of a whole-body version, unless it is stored, filling, past the end, or the cache is paused.</summary>
    private bool TryChain(CachedVersion version, long index, out SliceFill next, out string path)
    {
        next = null!;
        path = _directory.SlicePath(version, index);
        if (index * version.SliceSize >= version.Length)
        {
            return false;
        }

        lock (_fillsGate)
        {
            if (_fills.ContainsKey(path) || _index.Contains(path) || !IsStoring)
            {
                return false;
            }

            try
            {
                next = new SliceFill(path, version.SliceSpan(index));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Pause(ex);
                return false;
            }

            _fills[path] = next;
            return true;
        }
    }

    /// <summary>False while storing is paused after a disk error: versions are kept in memory only, no slice is written.</summary>
    public bool IsStoring => _time.GetUtcNow().UtcTicks >= Interlocked.Read(ref _pausedUntilTicks);

    /// <summary>Disk full or unwritable: stop storing for a while (readers go upstream) rather than fail responses.</summary>
    private void Pause(Exception ex)
    {
        Interlocked.Exchange(ref _pausedUntilTicks, (_time.GetUtcNow() + PauseAfterDiskError).UtcTicks);
        _metrics.DiskError();
        CacheLog.DiskFailed(_logger, _directory.Root, PauseAfterDiskError.TotalSeconds, ex);
    }

    private void Evicted(string path, long length)
    {
        _metrics.Evicted(length);
        CacheDirectory.TryDelete(path);
    }

    private void DropSlices(string id, string? keepTag, bool afterReaders = false)
    {
        foreach (var file in _directory.SlicesOtherThan(id, keepTag))
        {
            if (!afterReaders || !_readers.WhenDone(id, CacheDirectory.TagOf(file), () => DeleteSlice(file)))
            {
                DeleteSlice(file);
            }
        }
    }

    private void DeleteSlice(string file)
    {
        _index.Remove(file);
        CacheDirectory.TryDelete(file);
    }

    /// <summary>Rebuilds the index from the directory (<see cref="CacheDirectory.Scan"/>).</summary>
    private void Load()
    {
        IReadOnlyList<(string Path, long Length)> slices;
        try
        {
            (var versions, slices) = _directory.Scan();
            foreach (var version in versions)
            {
                _versions[version.Key.Id] = version;
                RememberVary(version);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Pause(ex);
            return;
        }

        foreach (var (path, length) in slices)
        {
            _index.Add(path, length);
        }

        CacheLog.Loaded(_logger, _directory.Root, _versions.Count, slices.Count, _index.Bytes);
    }

    private void RememberVary(CachedVersion version)
    {
        var names = version.Headers?.GetAll("Vary").SelectMany(value => value.Split(',')).Select(name => name.Trim().ToLowerInvariant())
            .Where(name => name.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();
        if (names is { Count: > 0 })
        {
            _vary[(version.Key.Namespace, version.Key.Key)] = names;
        }
        else
        {
            // The origin stopped varying: lookups must find this version, not keep looking under the old variants.
            _vary.TryRemove((version.Key.Namespace, version.Key.Key), out _);
        }
    }
}
