namespace StreamForge.Gateway.Caching;

/// <summary>
/// How many responses are reading each version's body. A chained fill (an origin that ignores ranges) goes on into the
/// next slice only while someone reads the version, wherever they are in it; and the slices of a version replaced by a
/// newer one are deleted only once its last reader is done (<see cref="WhenDone"/>).
/// </summary>
internal sealed class VersionReaders
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Readers> _readers = new(StringComparer.Ordinal);

    /// <summary>Counts one reader of <paramref name="version"/> until disposed (disposing twice counts once).</summary>
    public IDisposable Begin(CachedVersion version)
    {
        var id = IdOf(version);
        lock (_gate)
        {
            if (!_readers.TryGetValue(id, out var readers))
            {
                _readers[id] = readers = new Readers();
            }

            readers.Count++;
        }

        return new Reading(this, id);
    }

    public bool AnyOf(CachedVersion version)
    {
        lock (_gate)
        {
            return _readers.ContainsKey(IdOf(version));
        }
    }

    /// <summary>
    /// Runs <paramref name="then"/> when the last reader of the version tagged <paramref name="tag"/> under entry
    /// <paramref name="entryId"/> is done, and returns true; returns false, having run nothing, when it has none.
    /// </summary>
    public bool WhenDone(string entryId, string tag, Action then)
    {
        lock (_gate)
        {
            if (!_readers.TryGetValue(IdOf(entryId, tag), out var readers))
            {
                return false;
            }

            readers.Then += then;
            return true;
        }
    }

    private static string IdOf(CachedVersion version) => IdOf(version.Key.Id, version.Tag);

    private static string IdOf(string entryId, string tag) => entryId + "." + tag;

    private void End(string id)
    {
        Action? then = null;
        lock (_gate)
        {
            if (_readers.TryGetValue(id, out var readers) && --readers.Count <= 0)
            {
                _readers.Remove(id);
                then = readers.Then;
            }
        }

        then?.Invoke();
    }

    private sealed class Readers
    {
        public int Count { get; set; }

        public Action? Then { get; set; }
    }

    private sealed class Reading(VersionReaders readers, string id) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                readers.End(id);
            }
        }
    }
}
