using Microsoft.Extensions.Primitives;

namespace StreamForge.Gateway.Ranges;

/// <summary>The few bits of RFC 9110 section 5.6 grammar that every header parser in this folder shares.</summary>
internal static class HttpSyntax
{
    /// <summary>OWS is spaces and horizontal tabs only (RFC 9110 section 5.6.3), not every Unicode white space.</summary>
    public static bool IsOws(char c) => c is ' ' or '\t';

    public static ReadOnlySpan<char> TrimOws(ReadOnlySpan<char> text)
    {
        var start = 0;
        while (start < text.Length && IsOws(text[start]))
        {
            start++;
        }

        var end = text.Length;
        while (end > start && IsOws(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    /// <summary>
    /// Only a field that is not there carries no condition. An empty one is present: an empty <c>If-Match</c> is a list
    /// of no entity-tags, which nothing matches (RFC 9110 sections 5.6.1 and 13.1.1; nginx answers 412 too), and an
    /// empty <c>If-Range</c> is no validator, so the range is ignored (section 13.1.5). Treated as absent, an empty
    /// <c>If-Match</c> let a PUT overwrite what its client meant to protect.
    /// </summary>
    public static bool IsAbsent(string? value) => value is null;

    /// <summary>The field's value, its lines joined with commas (RFC 9110 section 5.3), or null when the request has none.</summary>
    public static string? FieldValue(StringValues field) => field.Count == 0 ? null : field.ToString();
}
