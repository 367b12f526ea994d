namespace StreamForge.Gateway.Storage.FileSystem;

/// <summary>The <c>StreamForge:FileStore</c> section: what every file storage cluster shares.</summary>
internal sealed record FileStoreSettings(TimeSpan TempFileMaxAge)
{
    public static readonly TimeSpan DefaultTempFileMaxAge = TimeSpan.FromHours(24);

    /// <summary>
    /// How often temp folders are swept after the start-up sweep: hourly, or four times per bound when the bound is
    /// shorter, so a file is removed at most a quarter of the bound after it became removable.
    /// </summary>
    public TimeSpan SweepPeriod => TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(1).Ticks, TempFileMaxAge.Ticks / 4));
}
