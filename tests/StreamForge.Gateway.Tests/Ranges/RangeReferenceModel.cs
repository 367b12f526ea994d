using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Tests.Ranges;

/// <summary>
/// The obviously-correct model of range normalisation: turn every spec into the set of byte positions it
/// names in a small representation, then apply the rules of RFC 9110 sections 14.1.1, 14.1.2 and 15.5.17 and
/// the CVE-2011-3192 guard to those sets. Slow, and only for lengths a test can enumerate.
/// </summary>
internal static class RangeReferenceModel
{
    /// <summary>The expected decision in <see cref="RangeText"/> form.</summary>
    public static string Expected(RangeCase c)
    {
        if (c.Specs is null)
        {
            return "Full";
        }

        var abuse = c.OnAbuse == AbusiveRangeAction.Reject ? "Unsatisfiable (abusive)" : "Full (abusive)";
        if (c.Specs.Count > c.MaxRanges)
        {
            return abuse;
        }

        if (c.Length == 0)
        {
            // Section 14.1.1: only a suffix-range with a non-zero suffix-length is satisfiable; it selects the
            // whole (empty) representation, which is sent as a 200.
            return c.Specs.Any(s => s.Suffix > 0) ? "Full" : "Unsatisfiable";
        }

        var sets = c.Specs
            .Select(s => Positions(s, c.Length))
            .Where(set => set.Count > 0)
            .ToList();
        if (sets.Count == 0)
        {
            return "Unsatisfiable";
        }

        if (sets.Count == 1)
        {
            return $"Single {Span(sets[0])}";
        }

        var overlapping = sets.SelectMany((a, i) => sets.Skip(i + 1).Select(b => a.Overlaps(b))).Any(o => o);
        var total = sets.Sum(set => (long)set.Count);
        if (overlapping || total > c.Length)
        {
            return abuse;
        }

        return $"Multiple {string.Join(",", sets.Select(Span))}";
    }

    private static SortedSet<long> Positions(ModelSpec spec, long length)
    {
        var set = new SortedSet<long>();
        for (long p = 0; p < length; p++)
        {
            if (spec.Selects(p, length))
            {
                set.Add(p);
            }
        }

        return set;
    }

    private static string Span(SortedSet<long> set)
    {
        // A range names a contiguous run of bytes; if it did not, the model itself would be wrong.
        Assert.Equal(set.Max - set.Min + 1, set.Count);
        return $"{set.Min}-{set.Max}";
    }
}
