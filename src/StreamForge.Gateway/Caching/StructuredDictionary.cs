namespace StreamForge.Gateway.Caching;

/// <summary>
/// Reads a Structured Field Dictionary (RFC 8941 section 4.2.2), the syntax of <c>CDN-Cache-Control</c> (RFC 9213
/// section 2.1): each member's key and the type of its value, or null when the field does not parse, which a cache
/// must then ignore as a whole. Hand-written: .NET has no Structured Field parser, and Cache-Control's own parser
/// (<see cref="CacheControlDirectives"/>) accepts what this syntax refuses (<c>max-age="60"</c>, stray tokens).
/// </summary>
internal static class StructuredDictionary
{
    public enum ValueKind
    {
        Boolean,
        Integer,
        Decimal,
        String,
        Token,
        ByteSequence,
        InnerList,
    }

    /// <summary>The members in order (a later duplicate key wins, section 4.2.2), or null when <paramref name="field"/> is not a valid Dictionary.</summary>
    public static IReadOnlyDictionary<string, (ValueKind Kind, string Value)>? Parse(string field)
    {
        var members = new Dictionary<string, (ValueKind, string)>(StringComparer.Ordinal);
        var reader = new Reader(field.Trim(' '));
        while (!reader.AtEnd)
        {
            if (reader.Key() is not { } key)
            {
                return null;
            }

            (ValueKind, string)? value = reader.Accept('=')
                ? reader.Accept('(') ? reader.InnerListRest() : reader.BareItem()
                : (ValueKind.Boolean, "?1");
            if (value is null || !reader.Parameters())
            {
                return null;
            }

            members[key] = value.Value;
            reader.SkipOws();
            if (reader.AtEnd)
            {
                break;
            }

            if (!reader.Accept(','))
            {
                return null;
            }

            reader.SkipOws();
            if (reader.AtEnd)
            {
                return null; // A trailing comma.
            }
        }

        return members;
    }

    private sealed class Reader(string text)
    {
        private int _at;

        public bool AtEnd => _at >= text.Length;

        private char Next => AtEnd ? '\0' : text[_at];

        public bool Accept(char c)
        {
            if (Next != c)
            {
                return false;
            }

            _at++;
            return true;
        }

        public void SkipOws()
        {
            while (Next is ' ' or '\t')
            {
                _at++;
            }
        }

        private void SkipSp()
        {
            while (Next == ' ')
            {
                _at++;
            }
        }

        public string? Key()
        {
            var start = _at;
            if (!(Next is (>= 'a' and <= 'z') or '*'))
            {
                return null;
            }

            while (Next is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '.' or '*')
            {
                _at++;
            }

            return text[start.._at];
        }

        public bool Parameters()
        {
            while (Accept(';'))
            {
                SkipSp();
                if (Key() is null || (Accept('=') && BareItem() is null))
                {
                    return false;
                }
            }

            return true;
        }

        public (ValueKind, string)? InnerListRest()
        {
            while (true)
            {
                SkipSp();
                if (Accept(')'))
                {
                    return Parameters() ? (ValueKind.InnerList, string.Empty) : null;
                }

                if (BareItem() is null || !Parameters() || !(Next is ' ' or ')'))
                {
                    return null;
                }
            }
        }

        public (ValueKind, string)? BareItem()
        {
            var start = _at;
            var kind = Next switch
            {
                '-' or (>= '0' and <= '9') => Number(),
                '"' => Quoted(),
                ':' => Bytes(),
                '?' => Boolean(),
                (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '*' => Token(),
                _ => null,
            };
            return kind is { } found ? (found, text[start.._at]) : null;
        }

        private ValueKind? Number()
        {
            Accept('-');
            var digits = Digits();
            if (digits is < 1 or > 15)
            {
                return null;
            }

            if (!Accept('.'))
            {
                return ValueKind.Integer;
            }

            var fraction = Digits();
            return digits <= 12 && fraction is >= 1 and <= 3 ? ValueKind.Decimal : null;
        }

        private int Digits()
        {
            var start = _at;
            while (Next is >= '0' and <= '9')
            {
                _at++;
            }

            return _at - start;
        }

        private ValueKind? Quoted()
        {
            _at++;
            while (!AtEnd)
            {
                var c = text[_at++];
                if (c == '"')
                {
                    return ValueKind.String;
                }

                if (c == '\\' && !(Accept('"') || Accept('\\')))
                {
                    return null;
                }

                if (c is < ' ' or > '~')
                {
                    return null;
                }
            }

            return null;
        }

        private ValueKind? Bytes()
        {
            _at++;
            while (Next is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '+' or '/' or '=')
            {
                _at++;
            }

            return Accept(':') ? ValueKind.ByteSequence : null;
        }

        private ValueKind? Boolean()
        {
            _at++;
            return Accept('0') || Accept('1') ? ValueKind.Boolean : null;
        }

        private ValueKind? Token()
        {
            _at++;
            while (Next is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                   or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~' or ':' or '/')
            {
                _at++;
            }

            return ValueKind.Token;
        }
    }
}
