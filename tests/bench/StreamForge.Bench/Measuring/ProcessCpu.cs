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

    /// <summary>How long a warmed-up .NET server may take to finish compiling in the background: the gateway's S3 route
    /// took 1.3-1.8 s after 200 ranges on idle cores, and about 8 s while two other gateways compiled too.</summary>
    public static readonly TimeSpan CompilationLimit = TimeSpan.FromSeconds(15);

    /// <summary>How long to wait, before a measurement, for the work the previous one left behind.</summary>
    public static readonly TimeSpan LeftoverLimit = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Waits until the processes spend under 5 % of one core over 250 ms, or <paramref name="limit"/> has passed:
    /// a .NET server keeps compiling its hot methods in the background for a while after a warm-up, and that work
    /// would otherwise be charged to the measurement that follows.
    /// </summary>
    /// <returns>How long it waited.</returns>
    public static async Task<TimeSpan> WaitForQuietAsync(IReadOnlyCollection<int> pids, TimeSpan limit, CancellationToken cancellationToken)
    {
        var window = TimeSpan.FromMilliseconds(250);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            var before = Total(pids);
            await Task.Delay(window, cancellationToken);
            if (Total(pids) - before < window * 0.05)
            {
                break;
            }
        }

        return clock.Elapsed;
    }
}
