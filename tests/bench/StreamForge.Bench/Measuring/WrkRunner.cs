using System.Diagnostics;

namespace StreamForge.Bench.Measuring;

/// <summary>Runs Debian's wrk and returns its text report.</summary>
internal static class WrkRunner
{
    public static async Task<string> RunAsync(Uri uri, int threads, int connections, TimeSpan duration, CancellationToken cancellationToken)
    {
        // wrk takes whole seconds (or m/h); at least one.
        var seconds = Math.Max(1, (int)Math.Round(duration.TotalSeconds));
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { $"-t{threads}", $"-c{connections}", $"-d{seconds}s", "--latency", uri.ToString() })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new BenchException("could not start wrk");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new BenchException($"wrk exited with {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }
}
