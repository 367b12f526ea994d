namespace StreamForge.Gateway.Caching;

/// <summary>
/// A Cache-Control field (RFC 9111 section 5.2), request and response directives in one record: the rules pick
/// the ones that apply to their side. Directive names compare case-insensitively; arguments may be tokens or
/// quoted-strings and both forms are accepted (section 5.2); unknown directives are ignored (section 5.2.3); when a
/// directive appears twice the first occurrence counts (section 4.2.1 allows "the first occurrence").
/// </summary>
internal sealed record CacheControlDirectives
{
    /// <summary>The largest delta-seconds a cache needs to represent (RFC 9111 section 1.2.2): 2^31 seconds.</summary>
    public static readonly TimeSpan MaxDeltaSeconds = TimeSpan.FromSeconds(2147483648);

    /// <summary>No directives at all.</summary>
    public static CacheControlDirectives Empty { get; } = new();

    /// <summary><c>no-store</c> (sections 5.2.1.5, 5.2.2.5).</summary>
    public bool NoStore { get; init; }

    /// <summary>
    /// <c>no-cache</c> (sections 5.2.1.4, 5.2.2.4), with or without field names: the qualified response form
    /// (<c>no-cache="Set-Cookie"</c>) is treated like the unqualified one, which section 5.2.2.4 allows ("a cache
    /// MAY ... treat it as unqualified"); the engine never has to strip single fields from a stored response.
    /// For requests parsed by <see cref="ParseRequest"/>, also <c>Pragma: no-cache</c> without Cache-Control.
    /// </summary>
    public bool NoCache { get; init; }

    /// <summary><c>private</c> in any form (section 5.2.2.7); a shared cache stores none of it.</summary>
    public bool Private { get; init; }

    /// <summary><c>public</c> (section 5.2.2.9).</summary>
    public bool Public { get; init; }

    /// <summary><c>must-revalidate</c> (section 5.2.2.2).</summary>
    public bool MustRevalidate { get; init; }

    /// <summary><c>proxy-revalidate</c> (section 5.2.2.8): must-revalidate for shared caches.</summary>
    public bool ProxyRevalidate { get; init; }

    /// <summary><c>max-age=N</c> (sections 5.2.1.1, 5.2.2.1); null when absent or malformed.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary><c>max-age</c> present with an argument that is not delta-seconds (or none).</summary>
    public bool MaxAgeInvalid { get; init; }

    /// <summary><c>s-maxage=N</c> (section 5.2.2.10); null when absent or malformed.</summary>
    public TimeSpan? SharedMaxAge { get; init; }

    /// <summary><c>s-maxage</c> present with an argument that is not delta-seconds (or none).</summary>
    public bool SharedMaxAgeInvalid { get; init; }

    /// <summary>
    /// <c>max-stale[=N]</c> (section 5.2.1.2): the client accepts a stale response. A malformed argument makes the
    /// directive invalid, so it is not set.
    /// </summary>
    public bool MaxStale { get; init; }

    /// <summary>The <c>max-stale</c> argument; null with <see cref="MaxStale"/> means any staleness.</summary>
    public TimeSpan? MaxStaleLimit { get; init; }

    /// <summary><c>min-fresh=N</c> (section 5.2.1.3); null when absent or malformed.</summary>
    public TimeSpan? MinFresh { get; init; }

    /// <summary><c>only-if-cached</c> (section 5.2.1.7): the caching stores answer from what they hold or with 504.</summary>
    public bool OnlyIfCached { get; init; }

    /// <summary><c>stale-while-revalidate=N</c> (RFC 5861 section 3); null when absent or malformed.</summary>
    public TimeSpan? StaleWhileRevalidate { get; init; }

    /// <summary><c>stale-if-error=N</c> (RFC 5861 section 4); null when absent or malformed.</summary>
    public TimeSpan? StaleIfError { get; init; }

    /// <summary>Whether <c>s-maxage</c> appeared at all, valid or not: either way it forbids serving stale (5.2.2.10).</summary>
    public bool HasSharedMaxAge => SharedMaxAge is not null || SharedMaxAgeInvalid;

    /// <summary>Parses the Cache-Control field lines of a message (none: <see cref="Empty"/>).</summary>
    public static CacheControlDirectives Parse(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = Empty;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in FieldList.Members(values))
        {
            var equals = member.IndexOf('=', StringComparison.Ordinal);
            var name = (equals < 0 ? member : member[..equals]).TrimEnd(' ', '\t').ToLowerInvariant();
            if (!seen.Add(name))
            {
                continue;
            }

            var argument = equals < 0 ? null : FieldList.Unquote(member[(equals + 1)..].TrimStart(' ', '\t'));
            result = Apply(result, name, argument, hasArgument: equals >= 0);
        }

        return result;
    }

    /// <summary>
    /// The directives of a request: its Cache-Control, or, when it has none, <c>Pragma: no-cache</c> read as
    /// <c>Cache-Control: no-cache</c>. RFC 7234 section 5.4 required that; RFC 9111 section 5.4 deprecates Pragma
    /// but HTTP/1.0-era clients and some players still send it alone, and honouring it costs one revalidation.
    /// </summary>
    public static CacheControlDirectives ParseRequest(IEnumerable<string> cacheControl, IEnumerable<string> pragma)
    {
        ArgumentNullException.ThrowIfNull(cacheControl);
        ArgumentNullException.ThrowIfNull(pragma);
        var lines = cacheControl.ToList();
        if (FieldList.Members(lines).Any())
        {
            return Parse(lines);
        }

        var noCache = FieldList.Members(pragma).Any(p => string.Equals(p, "no-cache", StringComparison.OrdinalIgnoreCase));
        return noCache ? Empty with { NoCache = true } : Empty;
    }

    private static CacheControlDirectives Apply(CacheControlDirectives d, string name, string? argument, bool hasArgument) => name switch
    {
        "no-store" => d with { NoStore = true },
        "no-cache" => d with { NoCache = true },
        "private" => d with { Private = true },
        "public" => d with { Public = true },
        "must-revalidate" => d with { MustRevalidate = true },
        "proxy-revalidate" => d with { ProxyRevalidate = true },
        "only-if-cached" => d with { OnlyIfCached = true },
        "max-age" => TryDeltaSeconds(argument, out var maxAge) ? d with { MaxAge = maxAge } : d with { MaxAgeInvalid = true },
        "s-maxage" => TryDeltaSeconds(argument, out var shared) ? d with { SharedMaxAge = shared } : d with { SharedMaxAgeInvalid = true },
        "max-stale" when !hasArgument => d with { MaxStale = true },
        "max-stale" => TryDeltaSeconds(argument, out var stale) ? d with { MaxStale = true, MaxStaleLimit = stale } : d,
        "min-fresh" => TryDeltaSeconds(argument, out var minFresh) ? d with { MinFresh = minFresh } : d,
        "stale-while-revalidate" => TryDeltaSeconds(argument, out var swr) ? d with { StaleWhileRevalidate = swr } : d,
        "stale-if-error" => TryDeltaSeconds(argument, out var sie) ? d with { StaleIfError = sie } : d,
        _ => d,
    };

    /// <summary>
    /// delta-seconds = 1*DIGIT (RFC 9111 section 1.2.2): no sign, no fraction, no white space inside. Values beyond
    /// 2^31 are taken as 2^31, as that section requires instead of overflowing.
    /// </summary>
    public static bool TryDeltaSeconds(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        const long cap = 2147483648;
        long seconds = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            seconds = Math.Min(cap, (seconds * 10) + (c - '0'));
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
