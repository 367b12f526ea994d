namespace StreamForge.Gateway.Tests.Throttling;

/// <summary>Measures the achieved rate over sliding windows of simulated writes.</summary>
internal static class RateWindows
{
    /// <summary>The time of the first write that had to wait: where the burst (and any allowance) ended.</summary>
    public static TimeSpan EndOfBurst(IEnumerable<SimulatedWrite> writes) => writes.First(w => w.At > TimeSpan.Zero).At;

    /// <summary>
    /// The largest relative deviation from <paramref name="bytesPerSecond"/> over every window of
    /// <paramref name="window"/> that starts or ends at a write between <paramref name="from"/> and
    /// <paramref name="end"/>; a sliding count changes only at writes, so these include its extremes.
    /// </summary>
    public static double WorstDeviation(IEnumerable<SimulatedWrite> writes, double bytesPerSecond, TimeSpan from, TimeSpan end, TimeSpan window)
    {
        var sorted = writes.Where(w => w.At >= from && w.At <= end).OrderBy(w => w.At).ToArray();
        Assert.NotEmpty(sorted);
        var times = sorted.Select(w => w.At.Ticks).ToArray();
        var sums = new long[sorted.Length + 1];
        for (var i = 0; i < sorted.Length; i++)
        {
            sums[i + 1] = sums[i] + sorted[i].Bytes;
        }

        var expected = bytesPerSecond * window.TotalSeconds;
        var worst = 0.0;
        foreach (var anchor in times)
        {
            if (anchor + window.Ticks <= end.Ticks)
            {
                // [anchor, anchor + window)
                Consider(sums[LowerBound(times, anchor + window.Ticks)] - sums[LowerBound(times, anchor)]);
            }

            if (anchor - window.Ticks >= from.Ticks)
            {
                // (anchor - window, anchor]
                Consider(sums[UpperBound(times, anchor)] - sums[UpperBound(times, anchor - window.Ticks)]);
            }
        }

        return worst;

        void Consider(long bytes) => worst = Math.Max(worst, Math.Abs(bytes - expected) / expected);
    }

    private static int LowerBound(long[] times, long value)
    {
        var index = Array.BinarySearch(times, value);
        if (index < 0)
        {
            return ~index;
        }

        while (index > 0 && times[index - 1] == value)
        {
            index--;
        }

        return index;
    }

    private static int UpperBound(long[] times, long value)
    {
        var index = Array.BinarySearch(times, value);
        if (index < 0)
        {
            return ~index;
        }

        while (index < times.Length && times[index] == value)
        {
            index++;
        }

        return index;
    }
}
