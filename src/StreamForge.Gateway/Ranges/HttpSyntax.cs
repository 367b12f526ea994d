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
    /// A field that is missing or whose value is empty after trimming carries no condition; treating an empty
    /// value as absent matches how proxies and frameworks drop empty field lines (RFC 9110 section 5.5).
    /// </summary>
    public static bool IsAbsent(string? value) => value is null || TrimOws(value).IsEmpty;
}
