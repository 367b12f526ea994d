using System.Diagnostics.Metrics;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>The edge cache's instruments (<c>streamforge.cache.*</c>), on the gateway's meter.</summary>
internal sealed class CacheMetrics
{
    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _upstreamBytes;
    private readonly Counter<long> _collapsed;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _evictedBytes;
    private readonly Counter<long> _diskErrors;
    private Func<long>? _size;
    private Func<int>? _slices;

    public CacheMetrics(IMeterFactory meterFactory, GatewayInstance instance)
    {
        _meter = meterFactory.Create(new MeterOptions(GatewayMetrics.MeterName)
        {
            Tags = [new KeyValuePair<string, object?>(GatewayMetrics.InstanceTag, instance.Id)],
        });
        _requests = _meter.CreateCounter<long>("streamforge.cache.requests", "{request}",
            "Requests on caching routes by route and cache status (hit, miss, partial, revalidated, stale, bypass).");
        _bytes = _meter.CreateCounter<long>("streamforge.cache.bytes", "By", "Body bytes sent on caching routes by route and source (cache, upstream).");
        _upstreamBytes = _meter.CreateCounter<long>("streamforge.cache.upstream.bytes", "By", "Bytes fetched from upstream into the cache, by route.");
        _collapsed = _meter.CreateCounter<long>("streamforge.cache.collapsed", "{request}", "Readers that joined another request's upstream fill instead of starting their own, by route.");
        _evictions = _meter.CreateCounter<long>("streamforge.cache.evictions", "{slice}", "Slices evicted to stay under the cache's maximum size.");
        _evictedBytes = _meter.CreateCounter<long>("streamforge.cache.evicted.bytes", "By", "Bytes evicted to stay under the cache's maximum size.");
        _diskErrors = _meter.CreateCounter<long>("streamforge.cache.disk_errors", "{error}", "Cache disk failures (full, unwritable) that paused storing.");
    }

    /// <summary>The same figures summed per route since start, for the status page.</summary>
    public CacheTotals Totals { get; } = new();

    /// <summary>Bytes and slices on disk, once a cache exists (null before).</summary>
    public (long Bytes, int Slices)? Size => _size is { } bytes && _slices is { } slices ? (bytes(), slices()) : null;

    /// <summary>Registers the cache's size gauges (bytes and slices on disk).</summary>
    public void ObserveSize(Func<long> bytes, Func<int> slices)
    {
        _size = bytes;
        _slices = slices;
        _meter.CreateObservableGauge("streamforge.cache.size", bytes, "By", "Bytes of slices in the edge cache.");
        _meter.CreateObservableGauge("streamforge.cache.slices", slices, "{slice}", "Slices in the edge cache.");
    }

    public void Request(string route, string status)
    {
        _requests.Add(1, new("route", route), new("status", status));
        Totals.For(route).Request(status);
    }

    public void BytesServed(string route, long fromCache, long fromUpstream)
    {
        Totals.For(route).Served(fromCache, fromUpstream);
        if (fromCache > 0)
        {
            _bytes.Add(fromCache, new("route", route), new("source", "cache"));
        }

        if (fromUpstream > 0)
        {
            _bytes.Add(fromUpstream, new("route", route), new("source", "upstream"));
        }
    }

    public void UpstreamBytes(string route, long bytes)
    {
        _upstreamBytes.Add(bytes, new KeyValuePair<string, object?>("route", route));
        Totals.For(route).Fetched(bytes);
    }

    public void Collapsed(string route)
    {
        _collapsed.Add(1, new KeyValuePair<string, object?>("route", route));
        Totals.For(route).Joined();
    }

    public void Evicted(long bytes)
    {
        Totals.Evicted();
        _evictions.Add(1);
        _evictedBytes.Add(bytes);
    }

    public void DiskError() => _diskErrors.Add(1);
}
