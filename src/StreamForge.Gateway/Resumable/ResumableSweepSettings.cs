namespace StreamForge.Gateway.Resumable;

/// <summary>How often expired resumable uploads are looked for (derived from the shortest configured Expiration).</summary>
internal sealed record ResumableSweepSettings(TimeSpan Period)
{
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromMinutes(1);

    /// <summary>A quarter of the shortest expiration, between one second and a minute.</summary>
    public static ResumableSweepSettings For(IEnumerable<TimeSpan> expirations)
    {
        var shortest = expirations.DefaultIfEmpty(MaxPeriod * 4).Min();
        return new(TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 4, TimeSpan.TicksPerSecond, MaxPeriod.Ticks)));
    }
}
