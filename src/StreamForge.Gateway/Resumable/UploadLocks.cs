using System.Collections.Concurrent;

namespace StreamForge.Gateway.Resumable;

/// <summary>
/// One writer per resumable upload within this instance: a second PATCH (or a DELETE, or the expiry sweep) that finds
/// the upload held is refused at once rather than queued, as tus asks (423).
/// </summary>
internal sealed class UploadLocks
{
    private readonly ConcurrentDictionary<string, byte> _held = new(StringComparer.Ordinal);

    /// <summary>The lock, to dispose when done; null when another request holds it.</summary>
    public IDisposable? TryAcquire(string id) => _held.TryAdd(id, 0) ? new Release(_held, id) : null;

    private sealed class Release(ConcurrentDictionary<string, byte> held, string id) : IDisposable
    {
        private int _released;

        // Once only: a second dispose must not release a lock another request has taken since.
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                held.TryRemove(id, out _);
            }
        }
    }
}
