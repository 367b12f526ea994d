using System.Globalization;

namespace StreamForge.Gateway.Ranges;

/// <summary>Content-Range field values (RFC 9110 section 14.4).</summary>
internal static class ContentRangeFormatter
{
    /// <summary><c>bytes FIRST-LAST/LENGTH</c>, for a 206 or one part of a multipart/byteranges body.</summary>
    public static string Format(ByteSpan span, long completeLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(span.First, nameof(span));
        ArgumentOutOfRangeException.ThrowIfLessThan(span.Last, span.First, nameof(span));
        // Section 14.4: a byte-range-resp whose last-pos is not below complete-length is invalid.
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(span.Last, completeLength, nameof(span));
        return string.Create(CultureInfo.InvariantCulture, $"bytes {span.First}-{span.Last}/{completeLength}");
    }

    /// <summary><c>bytes */LENGTH</c>, which a 416 should carry (RFC 9110 section 15.5.17).</summary>
    public static string FormatUnsatisfied(long completeLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(completeLength);
        return string.Create(CultureInfo.InvariantCulture, $"bytes */{completeLength}");
    }
}
