namespace StreamForge.Gateway.Ranges;

/// <summary>
/// Parses a Range field value (RFC 9110 section 14.2) with the grammar of section 14.1.1:
/// <c>ranges-specifier = range-unit "=" range-set</c>, <c>range-set = 1#range-spec</c>.
/// </summary>
/// <remarks>
/// Hand-written on purpose: ASP.NET Core's <c>RangeHeaderValue</c> accepts white space inside a range-spec
/// (<c>bytes=1 -2</c>) and before the "=" (<c>bytes =0-1</c>), which the grammar does not, and the property tests
/// against the reference model fail with it. Likewise the framework's entity-tag and date parsers accept
/// <c>w/"x"</c>, <c>"a b"</c> and numeric time zones (EntityTag.cs and HttpDate.cs keep RFC 9110's rules).
/// </remarks>
internal static class RangeHeaderParser
{
    /// <summary>Range unit names are case-insensitive (RFC 9110 section 14.1).</summary>
    private const string BytesUnit = "bytes";

    /// <summary>
    /// Returns the range-specs in the order the client sent them, or null when the field is absent, names a unit
    /// other than <c>bytes</c>, or is not syntactically valid. Null tells the caller to ignore the field and send
    /// 200 with the whole representation, which RFC 9110 section 14.2 permits for unknown units and invalid
    /// ranges-specifiers alike. No limits apply here; <see cref="RangeNormalizer"/> counts and checks the specs.
    /// </summary>
    public static IReadOnlyList<RangeSpec>? Parse(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var text = HttpSyntax.TrimOws(value);
        var equals = text.IndexOf('=');
        // No white space is allowed around "=" in the grammar, so "bytes =0-1" is not the bytes unit.
        if (equals < 0 || !text[..equals].Equals(BytesUnit, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rangeSet = text[(equals + 1)..];
        var specs = new List<RangeSpec>();
        foreach (var elementRange in rangeSet.Split(','))
        {
            // OWS is trimmed around every element. RFC 9110 section 5.6.1 puts OWS only around commas, so this
            // also accepts "bytes= 0-1"; the lenience is harmless because each element is still parsed strictly.
            var element = HttpSyntax.TrimOws(rangeSet[elementRange]);
            if (element.IsEmpty)
            {
                // RFC 9110 section 5.6.1.2: recipients must accept and ignore empty list elements ("0-1,,2-3").
                continue;
            }

            if (!TryParseSpec(element, out var spec))
            {
                return null;
            }

            specs.Add(spec);
        }

        // 1#range-spec: a range-set needs at least one non-empty element, so "bytes=" and "bytes=," are invalid.
        return specs.Count == 0 ? null : specs;
    }

    private static bool TryParseSpec(ReadOnlySpan<char> element, out RangeSpec spec)
    {
        spec = default;
        var dash = element.IndexOf('-');
        if (dash < 0)
        {
            return false;
        }

        var firstText = element[..dash];
        var lastText = element[(dash + 1)..];
        if (firstText.IsEmpty)
        {
            // suffix-range = "-" suffix-length
            if (!TryParsePosition(lastText, out var suffix))
            {
                return false;
            }

            spec = RangeSpec.Suffix(suffix);
            return true;
        }

        if (!TryParsePosition(firstText, out var first))
        {
            return false;
        }

        if (lastText.IsEmpty)
        {
            spec = RangeSpec.OpenEnded(first);
            return true;
        }

        // RFC 9110 section 14.1.1: an int-range with first-pos greater than last-pos is invalid.
        if (!TryParsePosition(lastText, out var last) || last < first)
        {
            return false;
        }

        spec = RangeSpec.Closed(first, last);
        return true;
    }

    /// <summary>
    /// <c>1*DIGIT</c>: ASCII digits only (no sign, no white space, no Unicode digits). A value that does not fit
    /// in a long is treated as invalid rather than clamped: no representation can be that long, and a client
    /// sending one is more likely probing the parser than asking for bytes.
    /// </summary>
    private static bool TryParsePosition(ReadOnlySpan<char> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty)
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            var digit = c - '0';
            if (value > (long.MaxValue - digit) / 10)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
    }
}
