using System.Text;
using StreamForge.Bench.Hosting;
using StreamForge.Bench.Measuring;
using StreamForge.Bench.Options;
using StreamForge.Bench.Results;

namespace StreamForge.Bench.Report;

internal static class MemorySection
{
    public static void Write(StringBuilder md, ReportData data, BenchOptions options)
    {
        md.AppendLine("## c. Memory under slow clients").AppendLine();
        md.AppendLine($"{options.SlowClients} clients each read one object at {ByteSizeText.FormatRate(options.SlowRate)} (paced reads, SO_RCVBUF " +
            $"{ByteSizeText.Format(options.SlowReceiveBuffer)} set before connecting) for {DurationText.Format(options.SlowDuration)}, then reset the connection. " +
            "**Peak RSS** is the sum of VmHWM over the contender's processes (nginx: master and workers), reset through " +
            "/proc/&lt;pid&gt;/clear_refs just before the clients connect. **Socket queues**: the peak, sampled every second, of bytes in the receive " +
            "and send queues of the contender's own sockets (`ss -tm`: rmem_alloc + wmem_queued), what the kernel buffers on its behalf. " +
            "**TCP mem**: peak growth of /proc/net/sockstat's TCP mem (every socket of the machine, the clients' included). **Threads**: peak thread count. " +
            $"Target for the gateway: at most {Targets.SlowClientsMaxRss / 1e6:0} MB RSS, flat (within {Targets.FlatGrowth:P0}) from the smaller object to the larger.").AppendLine();
        md.AppendLine("![memory under slow clients](memory.png)").AppendLine();
        var table = new MarkdownTable("contender", "object", "peak RSS MB", "RSS before MB", "socket queues MB", "TCP mem growth MB", "threads", "MB/s per client", "target");
        var sizes = data.MemorySizes.ToArray();
        foreach (var (key, name) in data.Contenders)
        {
            if (key == ContenderKeys.NginxDefault)
            {
                table.Row(name, "all", SlowClientBench.NginxDefaultSkipped, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
                continue;
            }

            foreach (var size in sizes)
            {
                if (data.Memory(key, size) is not { } sample)
                {
                    continue;
                }

                if (sample.Error is not null)
                {
                    table.Row(name, ByteSizeText.Format(size), sample.Error, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
                    continue;
                }

                var target = ContenderKeys.IsGateway(key) ? Check(data, key, size, sizes) : string.Empty;
                table.Row(name, ByteSizeText.Format(size), Format.Megabytes(sample.PeakRss), Format.Megabytes(sample.RssBefore),
                    Format.Megabytes(sample.SocketQueuePeak), Format.Megabytes(sample.SockstatPeakDelta), sample.PeakThreads.ToString(),
                    Format.Number(sample.PerClientRate / 1e6) + (sample.FailedClients > 0 ? $" ({sample.FailedClients} failed)" : string.Empty), target);
            }
        }

        table.WriteTo(md);
    }

    /// <summary>The RSS limit, and for the larger sizes whether the peak stayed within the flatness margin of the smallest.</summary>
    public static string Check(ReportData data, string key, long size, IReadOnlyList<long> sizes)
    {
        var sample = data.Memory(key, size);
        var limit = Format.Check(sample is null ? null : Targets.AtMost(sample.PeakRss, Targets.SlowClientsMaxRss));
        if (size == sizes[0] || data.Memory(key, sizes[0]) is not { Error: null } smallest || sample is null)
        {
            return $"RSS {limit}";
        }

        var flat = Targets.AtMost(sample.PeakRss, smallest.PeakRss * (1 + Targets.FlatGrowth));
        return $"RSS {limit}, flat {Format.Check(flat)}";
    }

    public static bool? Flat(MemorySample? small, MemorySample? large) =>
        small is { Error: null } && large is { Error: null } ? large.PeakRss <= small.PeakRss * (1 + Targets.FlatGrowth) : null;
}
