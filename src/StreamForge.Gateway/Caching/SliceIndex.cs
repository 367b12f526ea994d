using System.Collections.Concurrent;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// The slices on disk, their sizes and their last use, so that the cache stays under its <c>MaxSize</c> by
/// evicting the least recently used. Fills reserve their slice's length before writing, so that slices being
/// written count too and the directory cannot overshoot by more than what is in flight.
/// </summary>
internal sealed class SliceIndex(long maxSize, Action<string, long> evicted)
{
    private readonly ConcurrentDictionary<string, Entry> _slices = new(StringComparer.Ordinal);
    private readonly Lock _evicting = new();
    private long _bytes;
    private long _reserved;
    private long _clock;

    /// <summary>Bytes of complete slices on disk.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public int Count => _slices.Count;

    /// <summary>Marks a slice as just used; false when it is not on disk.</summary>
    public bool TryTouch(string path)
    {
        if (!_slices.TryGetValue(path, out var entry))
        {
            return false;
        }

        entry.LastUse = Interlocked.Increment(ref _clock);
        return true;
    }

    public bool Contains(string path) => _slices.ContainsKey(path);

    public void Add(string path, long length)
    {
        var entry = new Entry(length) { LastUse = Interlocked.Increment(ref _clock) };
        if (_slices.TryAdd(path, entry))
        {
            Interlocked.Add(ref _bytes, length);
        }
    }

    public void Remove(string path)
    {
        if (_slices.TryRemove(path, out var entry))
        {
            Interlocked.Add(ref _bytes, -entry.Length);
        }
    }

    /// <summary>Room for a slice about to be written; evicts old slices when the total would pass the maximum.</summary>
    public IDisposable Reserve(long length)
    {
        Interlocked.Add(ref _reserved, length);
        if (Bytes + Interlocked.Read(ref _reserved) > maxSize)
        {
            Evict();
        }

        return new Reservation(this, length);
    }

    /// <summary>Removes least recently used slices until the total (with reservations) is at most 90% of the maximum.</summary>
    private void Evict()
    {
        lock (_evicting)
        {
            var target = maxSize - (maxSize / 10) - Interlocked.Read(ref _reserved);
            if (Bytes <= target)
            {
                return;
            }

            // A sort per eviction pass, not per read: passes are rare (they free 10% at once) and reads stay O(1).
            foreach (var (path, entry) in _slices.ToArray().OrderBy(pair => pair.Value.LastUse))
            {
                if (Bytes <= target)
                {
                    break;
                }

                if (_slices.TryRemove(path, out _))
                {
                    Interlocked.Add(ref _bytes, -entry.Length);
                    evicted(path, entry.Length);
                }
            }
        }
    }

    private sealed class Entry(long length)
    {
        public long Length { get; } = length;

        public long LastUse { get; set; }
    }

    private sealed class Reservation(SliceIndex index, long length) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Add(ref index._reserved, -length);
            }
        }
    }
}
