using StreamForge.Gateway.Throttling;
using System.Collections.Concurrent;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>
/// The streams in flight and every route's traffic, for the status page. Registering is one dictionary insert per
/// stream (not per chunk); the page reads counters, so a thousand streams cost a thousand reads per refresh.
/// </summary>
internal sealed class LiveStreams(GatewayMetrics metrics, TimeProvider time)
{
    private readonly ConcurrentDictionary<long, LiveStream> _streams = new();
    private readonly ConcurrentDictionary<string, RouteTraffic> _routes = new(StringComparer.Ordinal);
    private long _nextId;

    public GatewayMetrics Metrics { get; } = metrics;

    public int Count => _streams.Count;

    public IEnumerable<LiveStream> Streams => _streams.Values;

    public IEnumerable<RouteTraffic> Routes => _routes.Values;

    /// <summary>Starts one of a request's streams and notes its throttle on the request's access log record.</summary>
    /// <param name="key">The storage key, or the request path on origin routes.</param>
    /// <param name="expectedBytes">The body's length when known.</param>
    public LiveStream Begin(HttpContext context, string route, string key, StreamDirection direction, long? expectedBytes, ThrottlePolicy throttle)
    {
        var record = context.Features.Get<AccessLogRecord>();
        var label = ThrottleLabel.Of(throttle);
        if (record is not null && label is not null)
        {
            record.Throttle = label;
        }

        var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return Begin(new StreamStart(route, client, key, direction, expectedBytes, label), record);
    }

    /// <summary>Starts a stream; dispose the result when its body is done, however it ended.</summary>
    public LiveStream Begin(StreamStart start, AccessLogRecord? record)
    {
        var traffic = _routes.GetOrAdd(start.Route, route => new RouteTraffic(route));
        var stream = new LiveStream(this, Interlocked.Increment(ref _nextId), start, time.GetUtcNow(), traffic, record);
        _streams[stream.Id] = stream;
        Metrics.StreamStarted(start.Route, start.Direction.Name);
        return stream;
    }

    public void End(LiveStream stream)
    {
        _streams.TryRemove(stream.Id, out _);
        Metrics.StreamEnded(stream.Start.Route, stream.Start.Direction.Name);
    }
}
