using System.Diagnostics;

namespace StreamForge.Bench.Measuring;

/// <summary>
/// CPU time (user + system) of a set of processes. On a 2-core machine throughput is bounded by CPU spent per
/// byte across client, proxy and upstream: CPU seconds per GB tell which of them limits a contender.
/// </summary>
internal static class ProcessCpu
{
    public static TimeSpan Total(IEnumerable<int> pids)
    {
        var total = TimeSpan.Zero;
        foreach (var pid in pids)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                total += process.TotalProcessorTime;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // Exited: nothing more to count.
            }
        }

        return total;
    }
}
