namespace StreamForge.Bench.Measuring;

/// <summary>Resident memory of a process from /proc/&lt;pid&gt;/status.</summary>
internal static class ProcessMemory
{
    public static long Rss(int pid) => StatusKib(pid, "VmRSS:") * 1024;

    /// <summary>Thread count: each thread's stack is resident memory too, and a thread pool that grows under load shows here.</summary>
    public static long Threads(int pid) => StatusKib(pid, "Threads:");

    /// <summary>VmHWM: the peak resident set since start, or since <see cref="ResetPeak"/>.</summary>
    public static long PeakRss(int pid) => StatusKib(pid, "VmHWM:") * 1024;

    /// <summary>
    /// Writing 5 to clear_refs resets VmHWM to the current RSS (proc(5)), so each test's peak is its own and
    /// not the previous test's (e.g. 8 fast downloads before the slow clients). Needs the same user or root.
    /// </summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A numeric field of /proc/&lt;pid&gt;/status (kB for the Vm* fields).</summary>
    private static long StatusKib(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0]);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process is gone: it holds no memory.
        }

        return 0;
    }
}
