using System.Collections.Concurrent;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>
/// Running totals of the edge cache per route, for the status page (Prometheus gets the same through the instruments
/// of <see cref="CacheMetrics"/>). Additions only, so the request path pays an interlocked add, nothing more.
/// </summary>
internal sealed class CacheTotals
{
    private readonly ConcurrentDictionary<string, RouteTotals> _routes = new(StringComparer.Ordinal);
    private long _evictions;

    public long Evictions => Interlocked.Read(ref _evictions);

    public IEnumerable<(string Route, RouteTotals Totals)> Routes => _routes.Select(pair => (pair.Key, pair.Value));

    public RouteTotals For(string route) => _routes.GetOrAdd(route, _ => new RouteTotals());

    public void Evicted() => Interlocked.Increment(ref _evictions);

    internal sealed class RouteTotals
    {
        private readonly ConcurrentDictionary<string, long> _requests = new(StringComparer.Ordinal);
        private long _fromCache;
        private long _fromUpstream;
        private long _fetched;
        private long _collapsed;

        public IReadOnlyDictionary<string, long> Requests => _requests;

        public long BytesFromCache => Interlocked.Read(ref _fromCache);

        public long BytesFromUpstream => Interlocked.Read(ref _fromUpstream);

        public long BytesFetched => Interlocked.Read(ref _fetched);

        public long Collapsed => Interlocked.Read(ref _collapsed);

        public void Request(string status) => _requests.AddOrUpdate(status, 1, (_, count) => count + 1);

        public void Served(long fromCache, long fromUpstream)
        {
            Interlocked.Add(ref _fromCache, fromCache);
            Interlocked.Add(ref _fromUpstream, fromUpstream);
        }

        public void Fetched(long bytes) => Interlocked.Add(ref _fetched, bytes);

        public void Joined() => Interlocked.Increment(ref _collapsed);
    }
}
