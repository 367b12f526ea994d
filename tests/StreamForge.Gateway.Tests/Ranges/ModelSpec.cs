using System.Globalization;

namespace StreamForge.Gateway.Tests.Ranges;

/// <summary>
/// A range-spec as the reference model sees it: <c>First-Last</c>, <c>First-</c> (Last null) or <c>-Suffix</c>.
/// Deliberately independent of the production RangeSpec.
/// </summary>
internal sealed record ModelSpec(long? First, long? Last, long? Suffix)
{
    /// <summary>RFC 9110 section 14.1.2, read literally as "which byte positions of [0, length) does it name".</summary>
    public bool Selects(long position, long length) => First is { } first
        ? position >= first && (Last is not { } last || position <= last)
        : position >= length - Suffix;

    public string Render() => First is { } first
        ? string.Create(CultureInfo.InvariantCulture, $"{first}-{Last}")
        : string.Create(CultureInfo.InvariantCulture, $"-{Suffix}");

    public override string ToString() => Render();
}
