namespace StreamForge.Gateway.Ranges;

/// <summary>
/// The guard against abusive range sets (CVE-2011-3192, "Apache Killer": hundreds of overlapping ranges made
/// one small request cost the server many copies of the file).
/// </summary>
/// <param name="MaxRanges">Most range-specs one request may carry; more counts as abuse. At least 1.</param>
/// <param name="OnAbuse">Whether abuse gets a 200 with the whole representation or a 416.</param>
internal sealed record RangeLimits(int MaxRanges, AbusiveRangeAction OnAbuse)
{
    public int MaxRanges { get; } = MaxRanges >= 1
        ? MaxRanges
        : throw new ArgumentOutOfRangeException(nameof(MaxRanges), MaxRanges, "at least one range must be allowed");

    public AbusiveRangeAction OnAbuse { get; } = Enum.IsDefined(OnAbuse)
        ? OnAbuse
        : throw new ArgumentOutOfRangeException(nameof(OnAbuse), OnAbuse, "unknown action");
}
