using System.Collections.Concurrent;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// How many responses are reading each version's body. A chained fill (an origin that ignores ranges) goes on into the
/// next slice only while someone reads the version, wherever they are in it.
/// </summary>
internal sealed class VersionReaders
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Counts one reader of <paramref name="version"/> until disposed (disposing twice counts once).</summary>
    public IDisposable Begin(CachedVersion version)
    {
        var id = IdOf(version);
        _counts.AddOrUpdate(id, 1, (_, count) => count + 1);
        return new Reading(this, id);
    }

    public bool AnyOf(CachedVersion version) => _counts.TryGetValue(IdOf(version), out var count) && count > 0;

    private static string IdOf(CachedVersion version) => version.Key.Id + "." + version.Tag;

    private void End(string id)
    {
        if (_counts.AddOrUpdate(id, 0, (_, count) => count - 1) <= 0)
        {
            _counts.TryRemove(new KeyValuePair<string, int>(id, 0));
        }
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
