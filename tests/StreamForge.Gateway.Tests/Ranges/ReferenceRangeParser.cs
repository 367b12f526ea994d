using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace StreamForge.Gateway.Tests.Ranges;

/// <summary>
/// A second, differently built reading of the RFC 9110 section 14.1.1 grammar (regular expressions and
/// BigInteger instead of a hand-written scanner), used to cross-check the parser on arbitrary strings.
/// </summary>
internal static partial class ReferenceRangeParser
{
    /// <summary>The specs in RangeText form ("0-1,-5,7-"), or "null" when the header must be ignored.</summary>
    public static string Parse(string? header)
    {
        if (header is null)
        {
            return "null";
        }

        var trimmed = header.Trim(' ', '\t');
        var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0 || !string.Equals(trimmed[..equals], "bytes", StringComparison.OrdinalIgnoreCase))
        {
            return "null";
        }

        var specs = new List<string>();
        foreach (var element in trimmed[(equals + 1)..].Split(',').Select(e => e.Trim(' ', '\t')).Where(e => e.Length > 0))
        {
            var match = Spec().Match(element);
            if (!match.Success)
            {
                return "null";
            }

            if (match.Groups["suffix"].Success)
            {
                if (!TryLong(match.Groups["suffix"].Value, out var suffix))
                {
                    return "null";
                }

                specs.Add($"-{suffix}");
                continue;
            }

            if (!TryLong(match.Groups["first"].Value, out var first))
            {
                return "null";
            }

            if (match.Groups["last"].Value.Length == 0)
            {
                specs.Add($"{first}-");
                continue;
            }

            if (!TryLong(match.Groups["last"].Value, out var last) || last < first)
            {
                return "null";
            }

            specs.Add($"{first}-{last}");
        }

        return specs.Count == 0 ? "null" : string.Join(",", specs);
    }

    private static bool TryLong(string digits, out long value)
    {
        var big = BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        value = big <= long.MaxValue ? (long)big : 0;
        return big <= long.MaxValue;
    }

    [GeneratedRegex(@"\A(?:(?<first>[0-9]+)-(?<last>[0-9]*)|-(?<suffix>[0-9]+))\z", RegexOptions.CultureInvariant)]
    private static partial Regex Spec();
}
