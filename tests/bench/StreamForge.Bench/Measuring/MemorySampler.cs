namespace StreamForge.Bench.Measuring;

/// <summary>
/// Samples a contender's memory while a test runs: RSS every 100 ms, socket queues and sockstat every second
/// (ss walks every socket of the machine: too costly to run more often on 2 cores). Keeps the peaks.
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly IReadOnlyList<int> _pids;
    private readonly long _tcpBefore;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private MemorySampler(IReadOnlyList<int> pids)
    {
        _pids = pids;
        _tcpBefore = SocketMemory.TcpBytes();
        _loop = Task.Run(LoopAsync);
    }

    public long PeakRss { get; private set; }

    public long PeakSocketQueues { get; private set; }

    public long PeakThreads { get; private set; }

    public long PeakTcpGrowth { get; private set; }

    public static MemorySampler Start(IReadOnlyList<int> pids) => new(pids);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var pidSet = _pids.ToHashSet();
        var tick = 0;
        while (!_stop.IsCancellationRequested)
        {
            PeakRss = Math.Max(PeakRss, _pids.Sum(ProcessMemory.Rss));
            PeakThreads = Math.Max(PeakThreads, _pids.Sum(ProcessMemory.Threads));
            if (tick++ % 10 == 0)
            {
                PeakTcpGrowth = Math.Max(PeakTcpGrowth, SocketMemory.TcpBytes() - _tcpBefore);
                try
                {
                    PeakSocketQueues = Math.Max(PeakSocketQueues, await SocketMemory.QueuedBytesAsync(pidSet, _stop.Token));
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            try
            {
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
