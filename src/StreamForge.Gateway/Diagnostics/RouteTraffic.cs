namespace StreamForge.Gateway.Diagnostics;

/// <summary>
/// One route's bytes in both directions: running totals added to by its streams, and a ring of per-second
/// figures for the last <see cref="Seconds"/> seconds, pushed by <see cref="StatusSampler"/>.
/// </summary>
internal sealed class RouteTraffic
{
    public const int Seconds = 300;

    private readonly long[] _sent = new long[Seconds];
    private readonly long[] _received = new long[Seconds];
    private readonly Lock _ring = new();
    private long _totalSent;
    private long _totalReceived;
    private long _sampledSent;
    private long _sampledReceived;
    private int _next;
    private int _count;

    public RouteTraffic(string route) => Route = route;

    public string Route { get; }

    public long TotalSent => Interlocked.Read(ref _totalSent);

    public long TotalReceived => Interlocked.Read(ref _totalReceived);

    public void Add(bool sent, int bytes)
    {
        if (sent)
        {
            Interlocked.Add(ref _totalSent, bytes);
        }
        else
        {
            Interlocked.Add(ref _totalReceived, bytes);
        }
    }

    /// <summary>Records what moved since the last sample as one second's figure (scaled when the timer ran late).</summary>
    public void Sample(TimeSpan interval)
    {
        var sent = TotalSent;
        var received = TotalReceived;
        var scale = interval > TimeSpan.Zero ? 1 / interval.TotalSeconds : 1;
        lock (_ring)
        {
            _sent[_next] = (long)((sent - _sampledSent) * scale);
            _received[_next] = (long)((received - _sampledReceived) * scale);
            _next = (_next + 1) % Seconds;
            _count = Math.Min(_count + 1, Seconds);
        }

        _sampledSent = sent;
        _sampledReceived = received;
    }

    /// <summary>Bytes per second, oldest first.</summary>
    public (long[] Sent, long[] Received) History()
    {
        lock (_ring)
        {
            var sent = new long[_count];
            var received = new long[_count];
            var start = (_next - _count + Seconds) % Seconds;
            for (var i = 0; i < _count; i++)
            {
                sent[i] = _sent[(start + i) % Seconds];
                received[i] = _received[(start + i) % Seconds];
            }

            return (sent, received);
        }
    }
}
