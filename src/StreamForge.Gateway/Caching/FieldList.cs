using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// The list rule of RFC 9110 section 5.6.1 (<c>#element</c>): members separated by commas with optional white
/// space, empty members ignored. Commas inside a quoted-string (section 5.6.4) do not separate members, which
/// matters for <c>no-cache="Set-Cookie, Foo"</c>.
/// </summary>
internal static class FieldList
{
    /// <summary>The members of every field line, in order, trimmed of OWS, empty ones dropped.</summary>
    public static IEnumerable<string> Members(IEnumerable<string> fieldLines)
    {
        foreach (var line in fieldLines)
        {
            foreach (var member in Members(line))
            {
                yield return member;
            }
        }
    }

    /// <summary>The members of one field value.</summary>
    public static IEnumerable<string> Members(string? value)
    {
        if (value is null)
        {
            yield break;
        }

        var start = 0;
        var quoted = false;
        for (var i = 0; i <= value.Length; i++)
        {
            if (i == value.Length || (value[i] == ',' && !quoted))
            {
                var member = HttpSyntax.TrimOws(value.AsSpan(start, i - start)).ToString();
                if (member.Length > 0)
                {
                    yield return member;
                }

                start = i + 1;
            }
            else if (value[i] == '"')
            {
                quoted = !quoted;
            }
            else if (value[i] == '\\' && quoted)
            {
                i++; // quoted-pair: the next character is literal, even a quote.
            }
        }
    }

    /// <summary>
    /// The value of a quoted-string with its quoted-pairs resolved (RFC 9110 section 5.6.4), or the text itself
    /// when it is a token. Null for a quoted-string that is not closed.
    /// </summary>
    public static string? Unquote(string text)
    {
        if (text.Length == 0 || text[0] != '"')
        {
            return text;
        }

        var builder = new System.Text.StringBuilder(text.Length);
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                builder.Append(text[++i]);
            }
            else if (c == '"')
            {
                return i == text.Length - 1 ? builder.ToString() : null;
            }
            else
            {
                builder.Append(c);
            }
        }

        return null;
    }
}
