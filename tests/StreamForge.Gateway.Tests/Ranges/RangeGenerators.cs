using FsCheck;
using FsCheck.Fluent;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Tests.Ranges;

/// <summary>FsCheck generators for Range headers, representation lengths and slice plans.</summary>
internal static class RangeGenerators
{
    private static readonly string[] Units = ["bytes", "BYTES", "Bytes", "bYtEs"];

    // RFC 9110 section 5.6.1: OWS around commas and empty list elements.
    private static readonly string[] Separators = [",", ", ", " ,", " , ", ",\t", "\t,\t", ",,", ", ,", ",  ,,"];

    private static readonly string[] InvalidElements =
        ["abc", "-", "--1", "1-2-3", "+1-2", "1-+2", "1 -2", "1- 2", "99999999999999999999-", "0-99999999999999999999", "0x1-2", "1.0-2", "-+1", "\u0661-\u0662"];

    private static readonly string[] InvalidUnits = ["items", "byte", "bytes ", " bytes ", "x-bytes", ""];

    /// <summary>Mostly positions near the lengths under test, sometimes huge ones to exercise clamping.</summary>
    private static readonly Gen<long> Position = Gen.Frequency(
        (10, Gen.Choose(0, 220).Select(i => (long)i)),
        (1, Gen.Elements(long.MaxValue, long.MaxValue - 1, 1_000_000_000_000L)));

    private static readonly Gen<ModelSpec> Spec = Gen.Frequency(
        (3, from a in Position from b in Position select new ModelSpec(Math.Min(a, b), Math.Max(a, b), null)),
        // Narrow closed ranges, so that disjoint multi-range sets (Multiple decisions) come up often.
        (6, from a in Gen.Choose(0, 210) from width in Gen.Choose(0, 6) select new ModelSpec(a, a + width, null)),
        (2, Position.Select(a => new ModelSpec(a, null, null))),
        (2, Gen.Frequency((4, Gen.Choose(0, 30).Select(i => (long)i)), (1, Position)).Select(n => new ModelSpec(null, null, n))));

    private static readonly Gen<long> Length = Gen.Frequency(
        (1, Gen.Constant(0L)),
        (1, Gen.Constant(1L)),
        (8, Gen.Choose(2, 200).Select(i => (long)i)));

    private static readonly Gen<string> RawNumber = Gen.Frequency(
        (3, Gen.Constant(string.Empty)),
        (8, Gen.Elements("0", "1", "5", "42", "007", "100", "9223372036854775807", "9223372036854775808", "99999999999999999999")),
        (1, Gen.Elements("+1", "x", "1 ", " 1", "\u0663", "1.5", "0x1")));

    private static readonly Gen<string> RawElement =
        from first in RawNumber
        from dash in Gen.Frequency((12, Gen.Constant("-")), (1, Gen.Elements(string.Empty, "--", "-1-", "\n", ";")))
        from last in RawNumber
        select first + dash + last;

    public static Gen<RangeCase> Cases { get; } =
        from specs in Gen.Choose(1, 7).SelectMany(n => Gen.ArrayOf(Spec, n))
        from length in Length
        from maxRanges in Gen.Frequency((3, Gen.Choose(1, 4)), (5, Gen.Choose(5, 16)))
        from onAbuse in Gen.Elements(AbusiveRangeAction.ServeFull, AbusiveRangeAction.Reject)
        from header in Render(specs)
        select new RangeCase(header.Text, header.Valid ? specs : null, length, maxRanges, onAbuse);

    /// <summary>
    /// Strings shaped like Range headers (unit, "=", comma-separated elements of digits and dashes), with junk
    /// characters mixed in, for cross-checking the parser against <see cref="ReferenceRangeParser"/>.
    /// </summary>
    public static Gen<string> RawHeaders { get; } =
        from unit in Gen.Frequency((8, Gen.Elements(Units)), (1, Gen.Elements(InvalidUnits)))
        from elements in Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(RawElement, n))
        from separators in Gen.ArrayOf(Gen.Elements(Separators), 5)
        from assign in Gen.Frequency((12, Gen.Constant("=")), (1, Gen.Elements(" =", "= ", ":", string.Empty)))
        select unit + assign + string.Concat(elements.Select((e, i) => (i == 0 ? string.Empty : separators[i]) + e));

    public static Gen<(ByteSpan Span, long SliceSize)> SlicePlans { get; } =
        from first in Gen.Frequency(
            (4, Gen.Choose(0, 10_000).Select(i => (long)i)),
            (2, from hi in Gen.Choose(0, int.MaxValue) from lo in Gen.Choose(0, int.MaxValue) select ((long)hi << 31) | (uint)lo),
            (1, Gen.Choose(0, 1_000_000).Select(i => long.MaxValue - i)))
        from length in Gen.Frequency((3, Gen.Choose(1, 64)), (2, Gen.Choose(1, 5000)))
        from sliceSize in Gen.Frequency(
            (4, Gen.Choose(1, 64).Select(i => (long)i)),
            (2, Gen.Choose(1, 4096).Select(i => (long)i)),
            (1, Gen.Elements(1L << 20, long.MaxValue)))
        let start = Math.Min(first, long.MaxValue - (length - 1))
        select (new ByteSpan(start, start + length - 1), sliceSize);

    /// <summary>Renders specs with random unit case and list white space; one time in four plants an error.</summary>
    private static Gen<(string Text, bool Valid)> Render(ModelSpec[] specs) =>
        from unit in Gen.Elements(Units)
        from separators in Gen.ArrayOf(Gen.Elements(Separators), specs.Length)
        from lead in Gen.Elements(string.Empty, string.Empty, ",", ", ", ",,")
        from trailing in Gen.Elements(true, false)
        from outer in Gen.Elements(string.Empty, string.Empty, " ", "\t")
        from fault in Gen.Frequency((9, Gen.Constant(HeaderFault.None)), (1, Gen.Constant(HeaderFault.BadElement)), (1, Gen.Constant(HeaderFault.Reversed)), (1, Gen.Constant(HeaderFault.BadUnit)))
        from badElement in Gen.Elements(InvalidElements)
        from badUnit in Gen.Elements(InvalidUnits)
        from at in Gen.Choose(0, specs.Length - 1)
        from low in Gen.Choose(0, 200)
        from gap in Gen.Choose(1, 50)
        let elements = specs.Select(s => s.Render()).ToArray()
        let planted = fault switch
        {
            HeaderFault.BadElement => Replace(elements, at, badElement),
            // RFC 9110 section 14.1.1: first-pos > last-pos makes the whole header invalid.
            HeaderFault.Reversed => Replace(elements, at, $"{low + gap}-{low}"),
            _ => elements,
        }
        let body = string.Concat(planted.Select((e, i) => (i == 0 ? string.Empty : separators[i]) + e))
        select (outer + (fault == HeaderFault.BadUnit ? badUnit : unit) + "=" + lead + body + (trailing ? separators[0] : string.Empty) + outer, fault == HeaderFault.None);

    private static string[] Replace(string[] elements, int index, string value)
    {
        var copy = (string[])elements.Clone();
        copy[index] = value;
        return copy;
    }
}
