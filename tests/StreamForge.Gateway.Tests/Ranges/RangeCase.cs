using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Tests.Ranges;

/// <summary>
/// One generated request: the Range header text, the specs it was rendered from (null when an invalid element
/// or unit was planted, so the header must be ignored), the representation length and the route's limits.
/// </summary>
internal sealed record RangeCase(string Header, IReadOnlyList<ModelSpec>? Specs, long Length, int MaxRanges, AbusiveRangeAction OnAbuse)
{
    public RangeLimits Limits => new(MaxRanges, OnAbuse);

    public override string ToString() =>
        $"Range: {Header.Replace("\t", "\\t", StringComparison.Ordinal)} | length {Length} | max {MaxRanges} {OnAbuse} | specs {(Specs is null ? "invalid" : string.Join(",", Specs))}";
}
