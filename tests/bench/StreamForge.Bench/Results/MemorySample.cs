namespace StreamForge.Bench.Results;

/// <summary>
/// The slow-client test of one contender: N clients reading one object at a fixed rate each.
/// </summary>
/// <param name="PeakRss">Sum over the contender's processes of VmHWM, reset just before the clients connect.</param>
/// <param name="SampledPeakRss">Highest sum of VmRSS seen by sampling every 100 ms (a cross-check of the above).</param>
/// <param name="SocketQueuePeak">Highest sum, over the contender's own sockets, of bytes queued in receive and send
/// buffers (<c>ss -tm</c>: rmem_alloc + wmem_queued), sampled every second.</param>
/// <param name="SockstatPeakDelta">Highest growth of the kernel's TCP memory (/proc/net/sockstat "mem", pages x
/// page size) over its value before the test: every socket of the machine, the clients' included.</param>
/// <param name="PeakThreads">Highest thread count of the contender's processes during the test.</param>
/// <param name="PerClientRate">Bytes per second a client actually received, averaged: shows the pacing held.</param>
internal sealed record MemorySample(
    string Contender,
    long ObjectSize,
    int Clients,
    long RssBefore,
    long PeakRss,
    long SampledPeakRss,
    long SocketQueuePeak,
    long SockstatPeakDelta,
    long PeakThreads,
    double PerClientRate,
    int FailedClients,
    string? Error);
