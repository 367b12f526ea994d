using System.Globalization;

namespace StreamForge.Gateway.Ranges;

/// <summary>
/// One range-spec of a <c>bytes</c> Range header as the client wrote it, before it meets a representation
/// length (RFC 9110 section 14.1.1): an int-range <c>first-last</c> or <c>first-</c>, or a suffix-range <c>-N</c>.
/// Only the factories build one, so an int-range always has <c>First &lt;= Last</c>.
/// </summary>
internal readonly record struct RangeSpec
{
    private RangeSpec(long? first, long? last, long? suffixLength)
    {
        First = first;
        Last = last;
        SuffixLength = suffixLength;
    }

    /// <summary>first-pos of an int-range; null for a suffix-range.</summary>
    public long? First { get; }

    /// <summary>last-pos of a closed int-range; null when open-ended or a suffix-range.</summary>
    public long? Last { get; }

    /// <summary>suffix-length of a suffix-range; null for an int-range.</summary>
    public long? SuffixLength { get; }

    public static RangeSpec Closed(long first, long last)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        // RFC 9110 section 14.1.1: an int-range with first-pos > last-pos makes the whole ranges-specifier invalid.
        ArgumentOutOfRangeException.ThrowIfLessThan(last, first);
        return new RangeSpec(first, last, null);
    }

    public static RangeSpec OpenEnded(long first)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        return new RangeSpec(first, null, null);
    }

    public static RangeSpec Suffix(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new RangeSpec(null, null, length);
    }

    public override string ToString() => (First, Last, SuffixLength) switch
    {
        (_, _, { } suffix) => string.Create(CultureInfo.InvariantCulture, $"-{suffix}"),
        ({ } first, { } last, _) => string.Create(CultureInfo.InvariantCulture, $"{first}-{last}"),
        ({ } first, null, _) => string.Create(CultureInfo.InvariantCulture, $"{first}-"),
        _ => "(none)",
    };
}
