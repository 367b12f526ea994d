using System.Diagnostics;
using System.Text.RegularExpressions;

namespace StreamForge.Bench.Measuring;

/// <summary>Kernel memory held by TCP sockets: machine-wide (/proc/net/sockstat) and per process (<c>ss -tm</c>).</summary>
internal static partial class SocketMemory
{
    /// <summary>The "mem" of sockstat's TCP line: pages charged to TCP, every socket of the machine.</summary>
    public static long TcpBytes()
    {
        var line = File.ReadLines("/proc/net/sockstat").FirstOrDefault(l => l.StartsWith("TCP:", StringComparison.Ordinal));
        var match = line is null ? Match.Empty : SockstatMem().Match(line);
        return match.Success ? long.Parse(match.Groups[1].Value) * Environment.SystemPageSize : 0;
    }

    /// <summary>
    /// Bytes waiting in the receive and send queues (skmem r + w) of the sockets the given processes own:
    /// what the kernel holds on the proxy's behalf, the part of buffering that RSS does not show.
    /// </summary>
    public static async Task<long> QueuedBytesAsync(IReadOnlySet<int> pids, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("ss", ["-tmnpH"]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new BenchException("could not start ss");
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);

        long total = 0;
        var owned = false;
        foreach (var line in output.Split('\n'))
        {
            // ss prints each socket on one line and its skmem on the next, indented.
            if (!line.StartsWith('\t') && !line.StartsWith(' '))
            {
                owned = PidPattern().Matches(line).Any(m => pids.Contains(int.Parse(m.Groups[1].Value)));
                continue;
            }

            var skmem = Skmem().Match(line);
            if (owned && skmem.Success)
            {
                total += long.Parse(skmem.Groups[1].Value) + long.Parse(skmem.Groups[2].Value);
            }
        }

        return total;
    }

    [GeneratedRegex(@"\bmem (\d+)")]
    private static partial Regex SockstatMem();

    [GeneratedRegex(@"pid=(\d+)")]
    private static partial Regex PidPattern();

    [GeneratedRegex(@"skmem:\(r(\d+),rb\d+,t\d+,tb\d+,f\d+,w(\d+)")]
    private static partial Regex Skmem();
}
