
namespace StreamForge.Gateway.Ranges;

/// <summary>
/// Turns parsed range-specs into concrete spans of a representation of known length (RFC 9110 section 14.1.2)
/// and decides between 200, 206 and 416, guarding against abusive range sets (CVE-2011-3192).
/// </summary>
internal static class RangeNormalizer
{
    /// <param name="specs">What <see cref="RangeHeaderParser.Parse"/> returned; null means no (valid) Range header.</param>
    /// <param name="length">The selected representation's length in bytes.</param>
    /// <param name="limits">The route's abuse guard.</param>
    public static RangeDecision Normalize(IReadOnlyList<RangeSpec>? specs, long length, RangeLimits limits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentNullException.ThrowIfNull(limits);
        if (specs is null || specs.Count == 0)
        {
            return RangeDecision.Full;
        }

        // Counted before any other work, unsatisfiable specs included, so a huge header costs nothing more.
        if (specs.Count > limits.MaxRanges)
        {
            return Abuse(limits);
        }

        if (length == 0)
        {
            return NormalizeZeroLength(specs);
        }

        var spans = new List<ByteSpan>(specs.Count);
        long total = 0;
        foreach (var spec in specs)
        {
            if (Resolve(spec, length) is not { } span)
            {
                // RFC 9110 section 14.1.1: a server may ignore unsatisfiable range-specs as long as one is left.
                continue;
            }

            // Ranges that add up to more than the representation ask for some bytes twice: the amplification
            // behind CVE-2011-3192. (Such a set always overlaps too; this O(1) check just catches it first.)
            // Written as a subtraction so that it cannot overflow.
            if (span.Length > length - total)
            {
                return Abuse(limits);
            }

            total += span.Length;
            spans.Add(span);
        }

        return spans.Count switch
        {
            // RFC 9110 section 15.5.17: none of the ranges overlaps the current extent.
            0 => RangeDecision.Unsatisfiable,
            // RFC 9110 section 15.3.7.1: one satisfiable range is sent as a plain 206, never as a one-part multipart.
            1 => RangeDecision.Single(spans[0]),
            // RFC 9110 section 14.1.1 lets a server coalesce overlapping ranges or send them in another order.
            // We do neither: overlap is treated as abuse, and the parts go out in the order requested, because a
            // client that sent several ranges may rely on that order and a seek-free reader gains nothing from ours.
            _ => Overlaps(spans) ? Abuse(limits) : RangeDecision.Multiple(spans),
        };
    }

    /// <summary>
    /// RFC 9110 section 14.1.1: "When a selected representation has zero length, the only satisfiable form of
    /// range-spec is a suffix-range with a non-zero suffix-length." Such a range selects the whole (empty)
    /// representation, and since no Content-Range can describe zero bytes ("bytes 0--1/0" does not exist) the
    /// answer is 200 with an empty body, which section 14.2 allows because a server may always ignore Range.
    /// Any int-range has first-pos >= 0 = length, so it is unsatisfiable; if nothing else is left the answer is
    /// 416 with <c>Content-Range: bytes */0</c> (section 15.5.17).
    /// </summary>
    private static RangeDecision NormalizeZeroLength(IReadOnlyList<RangeSpec> specs)
    {
        foreach (var spec in specs)
        {
            if (spec.SuffixLength > 0)
            {
                return RangeDecision.Full;
            }
        }

        return RangeDecision.Unsatisfiable;
    }

    /// <summary>The span one range-spec selects of a non-empty representation, or null when it is unsatisfiable.</summary>
    private static ByteSpan? Resolve(RangeSpec spec, long length)
    {
        if (spec.SuffixLength is { } suffix)
        {
            // RFC 9110 section 14.1.2: the last N bytes, the whole representation when it is shorter than N;
            // "-0" selects nothing and is unsatisfiable (section 14.1.1 wants a non-zero suffix-length).
            return suffix == 0 ? null : new ByteSpan(Math.Max(0, length - suffix), length - 1);
        }

        if (spec.First is not { } first)
        {
            throw new ArgumentException("a range-spec must be built with the RangeSpec factories", nameof(spec));
        }

        // RFC 9110 section 14.1.1: an int-range is satisfiable only if first-pos < length.
        if (first >= length)
        {
            return null;
        }

        // RFC 9110 section 14.1.2: an absent last-pos, or one past the end, means "to the end".
        var last = spec.Last is { } l && l < length ? l : length - 1;
        return new ByteSpan(first, last);
    }

    private static bool Overlaps(List<ByteSpan> spans)
    {
        var sorted = spans.ToArray();
        Array.Sort(sorted, static (a, b) => a.First.CompareTo(b.First));
        // Sorted by start, the set is disjoint exactly when each span starts after its predecessor ends.
        // Adjacent spans ("0-4,5-9") do not overlap and are allowed.
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].First <= sorted[i - 1].Last)
            {
                return true;
            }
        }

        return false;
    }

    private static RangeDecision Abuse(RangeLimits limits) => limits.OnAbuse == AbusiveRangeAction.Reject
        ? RangeDecision.AbusiveUnsatisfiable
        : RangeDecision.AbusiveFull;
}
