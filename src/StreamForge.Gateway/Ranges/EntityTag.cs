using System.Diagnostics.CodeAnalysis;

namespace StreamForge.Gateway.Ranges;

/// <summary>
/// An entity-tag (RFC 9110 section 8.8.3): <c>entity-tag = [ weak ] opaque-tag</c>, <c>weak = %s"W/"</c>,
/// <c>opaque-tag = DQUOTE *etagc DQUOTE</c>.
/// </summary>
/// <param name="OpaqueTag">The opaque-tag including its double quotes, e.g. <c>"xyzzy"</c>.</param>
/// <param name="IsWeak">Whether the tag carried the <c>W/</c> prefix.</param>
internal sealed record EntityTag(string OpaqueTag, bool IsWeak)
{
    /// <summary>Parses a field value that must be exactly one entity-tag (surrounding OWS allowed).</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out EntityTag? tag)
    {
        tag = null;
        if (value is null)
        {
            return false;
        }

        var text = HttpSyntax.TrimOws(value);
        var position = 0;
        if (!TryRead(text, ref position, out var parsed) || position != text.Length)
        {
            return false;
        }

        tag = parsed;
        return true;
    }

    /// <summary>
    /// Parses <c>#entity-tag</c> (RFC 9110 section 5.6.1): tags separated by commas with optional white space,
    /// empty elements ignored. Commas may also appear inside an opaque-tag, so this scans tag by tag rather than
    /// splitting on commas. Returns false, with an empty list, if any element is not an entity-tag.
    /// </summary>
    public static bool TryParseList(string? value, out IReadOnlyList<EntityTag> tags)
    {
        tags = [];
        if (value is null)
        {
            return false;
        }

        var text = value.AsSpan();
        var parsed = new List<EntityTag>();
        var position = 0;
        while (true)
        {
            // Skip OWS and empty elements before the next tag.
            while (position < text.Length && (text[position] == ',' || HttpSyntax.IsOws(text[position])))
            {
                position++;
            }

            if (position == text.Length)
            {
                break;
            }

            if (!TryRead(text, ref position, out var tag))
            {
                return false;
            }

            parsed.Add(tag);
            while (position < text.Length && HttpSyntax.IsOws(text[position]))
            {
                position++;
            }

            if (position < text.Length && text[position] != ',')
            {
                return false;
            }
        }

        tags = parsed;
        return true;
    }

    /// <summary>Strong comparison (RFC 9110 section 8.8.3.2): neither tag is weak and the opaque-tags are identical.</summary>
    public bool StrongMatches(EntityTag other) =>
        !IsWeak && !other.IsWeak && string.Equals(OpaqueTag, other.OpaqueTag, StringComparison.Ordinal);

    /// <summary>Weak comparison (RFC 9110 section 8.8.3.2): the opaque-tags are identical, weakness ignored.</summary>
    public bool WeakMatches(EntityTag other) => string.Equals(OpaqueTag, other.OpaqueTag, StringComparison.Ordinal);

    public override string ToString() => IsWeak ? "W/" + OpaqueTag : OpaqueTag;

    private static bool TryRead(ReadOnlySpan<char> text, ref int position, [NotNullWhen(true)] out EntityTag? tag)
    {
        tag = null;
        var start = position;
        // The weak indicator is case-sensitive (%s"W/"); "w/" is not an entity-tag.
        var isWeak = text[start..].StartsWith("W/", StringComparison.Ordinal);
        var quote = isWeak ? start + 2 : start;
        if (quote >= text.Length || text[quote] != '"')
        {
            return false;
        }

        var end = quote + 1;
        while (end < text.Length && IsEtagChar(text[end]))
        {
            end++;
        }

        if (end >= text.Length || text[end] != '"')
        {
            return false;
        }

        tag = new EntityTag(text[quote..(end + 1)].ToString(), isWeak);
        position = end + 1;
        return true;
    }

    /// <summary><c>etagc = %x21 / %x23-7E / obs-text</c>: visible characters except DQUOTE, no white space.</summary>
    private static bool IsEtagChar(char c) => c == 0x21 || c is >= (char)0x23 and <= (char)0x7E || c is >= (char)0x80 and <= (char)0xFF;
}
