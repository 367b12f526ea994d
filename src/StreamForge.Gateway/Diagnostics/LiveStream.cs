namespace StreamForge.Gateway.Diagnostics;

/// <summary>
/// One body being streamed now, as the status page shows it. The copy loop only adds to two counters (this
/// stream's and its route's); the rate is worked out once a second by <see cref="StatusSampler"/>.
/// Disposing it ends the stream: it leaves <see cref="LiveStreams"/> and the active-streams gauge.
/// </summary>
internal sealed class LiveStream : IDisposable
{
    private readonly LiveStreams _owner;
    private readonly RouteTraffic _traffic;
    private readonly AccessLogRecord? _record;
    private long _bytes;
    private long _sampledBytes;
    private int _disposed;

    public LiveStream(LiveStreams owner, long id, StreamStart start, DateTimeOffset started, RouteTraffic traffic, AccessLogRecord? record)
    {
        _owner = owner;
        _traffic = traffic;
        _record = record;
        Id = id;
        Start = start;
        Started = started;
        Meter = new StreamMeter(owner.Metrics, start.Route, start.Direction, this);
    }

    public long Id { get; }

    public StreamStart Start { get; }

    public DateTimeOffset Started { get; }

    /// <summary>The observer to hand to the copy loop or a metered stream.</summary>
    public StreamMeter Meter { get; }

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Bytes per second over the last sampling interval.</summary>
    public double BytesPerSecond { get; private set; }

    public void Add(int bytes)
    {
        Interlocked.Add(ref _bytes, bytes);
        _traffic.Add(Start.Direction.IsTowardsClient, bytes);
    }

    /// <summary>Called by the sampler only (one thread), so the previous sample needs no lock.</summary>
    public void Sample(TimeSpan interval)
    {
        var bytes = Bytes;
        BytesPerSecond = interval > TimeSpan.Zero ? (bytes - _sampledBytes) / interval.TotalSeconds : 0;
        _sampledBytes = bytes;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!Start.Direction.IsTowardsClient)
        {
            _record?.AddReceived(Bytes);
        }

        _owner.End(this);
    }
}
