using System.Net;
using System.Net.Http.Headers;
using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// RFC 9111 for a shared cache in front of an HTTP origin: whether a response may be stored (section 3), how long
/// it stays fresh (section 4.2), whether a request accepts it (section 5.2.1), and its secondary key (section 4.1).
/// Pure: the engine passes the clock readings in.
/// </summary>
internal static class OriginCacheRules
{
    /// <summary>
    /// RFC 9111 section 3 (storing) and 4.2 (freshness) for a shared cache, applied to an origin's answer to a GET.
    /// </summary>
    /// <param name="requestTime">When the request that got this response was sent: request_time, section 4.2.3.</param>
    /// <param name="responseTime">When the response arrived: response_time, section 4.2.3.</param>
    /// <param name="defaultTtl">The route's <c>Cache:Ttl</c>, the heuristic lifetime (section 4.2.2).</param>
    /// <param name="defaultStaleIfError">The route's <c>Cache:StaleIfError</c>, used when the response names none.</param>
    public static OriginCacheDecision Evaluate(
        HttpResponseMessage response,
        bool requestHadAuthorization,
        CacheControlDirectives requestDirectives,
        DateTimeOffset requestTime,
        DateTimeOffset responseTime,
        TimeSpan defaultTtl,
        TimeSpan defaultStaleIfError)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(requestDirectives);
        var fields = ResponseFields.All(response);
        var (directives, useExpires) = CachePolicyOf(fields);
        var vary = VaryNames(ResponseFields.GetAll(fields, "Vary"));
        var freshness = Compute(fields, directives, useExpires, requestTime, responseTime, defaultTtl, defaultStaleIfError, AgeValue(fields));
        var reason = NotStorableReason(response.StatusCode, fields, directives, requestHadAuthorization, requestDirectives, vary);
        return new OriginCacheDecision(reason is null, reason, freshness, vary);
    }

    /// <summary>
    /// A 304 to a revalidation: the new Freshness, computed from the merged headers (section 4.3.4): the 304's
    /// Date and Cache-Control now count. Its Age does too (age_value, section 4.2.3), though Age is never stored: an
    /// origin that is itself a cache (a shield, a CDN) answers a revalidation with the age of its own copy, and a
    /// copy 100 s old under max-age=60 is stale here as it is there.
    /// </summary>
    public static Freshness Revalidated(
        StoredHeaders merged, HttpResponseMessage notModified, DateTimeOffset requestTime, DateTimeOffset responseTime, TimeSpan defaultTtl, TimeSpan defaultStaleIfError)
    {
        ArgumentNullException.ThrowIfNull(merged);
        ArgumentNullException.ThrowIfNull(notModified);
        var (directives, useExpires) = CachePolicyOf(merged.Fields);
        return Compute(merged.Fields, directives, useExpires, requestTime, responseTime, defaultTtl, defaultStaleIfError, ageValue: AgeValue(ResponseFields.All(notModified)));
    }

    /// <summary>
    /// The directives this cache follows (RFC 9213, targeted cache-control): a non-empty <c>CDN-Cache-Control</c> when the
    /// origin sends one, and then Cache-Control and Expires are ignored by this cache (they still go on, for the caches and
    /// browsers after it); otherwise Cache-Control, with Expires as its fallback lifetime. An origin can so keep media on
    /// the edge for a day while telling browsers a minute.
    /// </summary>
    private static (CacheControlDirectives Directives, bool UseExpires) CachePolicyOf(IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        var targeted = ResponseFields.GetAll(fields, TargetedField).Where(line => !string.IsNullOrWhiteSpace(line)).ToList();
        return targeted.Count > 0 && IsValidTargetedField(string.Join(", ", targeted))
            ? (CacheControlDirectives.Parse(targeted), false)
            : (CacheControlDirectives.Parse(ResponseFields.GetAll(fields, "Cache-Control")), true);
    }

    /// <summary>The lifetimes RFC 9213 section 2.1 gives as Integers (RFC 8941): a value of another type voids the field.</summary>
    private static readonly string[] IntegerDirectives = ["max-age", "s-maxage", "stale-while-revalidate", "stale-if-error"];

    /// <summary>
    /// RFC 9213 section 2.1: a CDN-Cache-Control that does not parse as a Structured Field Dictionary, or whose
    /// lifetimes are not Integers, is ignored entirely, and Cache-Control applies as if it were absent.
    /// </summary>
    private static bool IsValidTargetedField(string value) =>
        StructuredDictionary.Parse(value) is { } members
        && IntegerDirectives.All(name => !members.TryGetValue(name, out var member)
            || (member.Kind == StructuredDictionary.ValueKind.Integer && !member.Value.StartsWith('-')));

    /// <summary>RFC 9213's field for every CDN; the one targeted field this cache answers to.</summary>
    private const string TargetedField = "CDN-Cache-Control";

    /// <summary>
    /// Whether a stored response may answer this request without contacting the origin, given the request's own
    /// directives (section 5.2.1): <c>no-cache</c> (or <c>Pragma: no-cache</c>, see
    /// <see cref="CacheControlDirectives.ParseRequest"/>) and <c>max-age=0</c> always go to the origin;
    /// <c>max-age=N</c> needs current_age &lt;= N; <c>min-fresh=N</c> needs N of freshness left; <c>max-stale[=N]</c>
    /// accepts a response stale by at most N (any, without N) unless the response forbids serving stale.
    /// A malformed request <c>max-age</c> is ignored (the directive is invalid, section 5.2). <c>only-if-cached</c>
    /// is acted on by the caching stores, which answer 504 where this refuses the stored copy.
    /// </summary>
    public static bool RequestAcceptsStored(CacheControlDirectives requestDirectives, Freshness stored, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(requestDirectives);
        ArgumentNullException.ThrowIfNull(stored);
        if (requestDirectives.NoCache || stored.AlwaysRevalidate)
        {
            return false;
        }

        var age = stored.CurrentAge(now);
        if (requestDirectives.MaxAge is { } maxAge && (maxAge == TimeSpan.Zero || age > maxAge))
        {
            return false;
        }

        if (requestDirectives.MinFresh is { } minFresh && stored.TimeToLive(now) < minFresh)
        {
            return false;
        }

        if (stored.IsFresh(now))
        {
            return true;
        }

        return requestDirectives.MaxStale
            && !stored.MustRevalidate
            && (requestDirectives.MaxStaleLimit is not { } limit || age - stored.Lifetime <= limit);
    }

    /// <summary>
    /// The secondary cache key for a request (section 4.1): for each Vary'd field, in the order given, its name and
    /// the request's value normalised (members trimmed, empty ones dropped, joined with ", "), one per line. A field
    /// the request lacks is written as its name alone, so it matches only a request that lacks it too, not one
    /// that sends it empty. "" when Vary is empty. <c>Vary: *</c> is never stored, so it is refused here.
    /// </summary>
    /// <param name="requestHeader">The request's field value by name, lines combined with commas; null when absent.</param>
    public static string VariantKey(IReadOnlyList<string> vary, Func<string, string?> requestHeader)
    {
        ArgumentNullException.ThrowIfNull(vary);
        ArgumentNullException.ThrowIfNull(requestHeader);
        if (vary.Contains("*"))
        {
            throw new ArgumentException("Vary: * has no variant key; such responses are not stored.", nameof(vary));
        }

        var lines = vary.Select(name => requestHeader(name) is { } value
            ? $"{name}: {string.Join(", ", FieldList.Members(value))}"
            : name);
        return string.Join('\n', lines);
    }

    // Section 3, for a cache that stores bodies as byte slices of a known length. Checked in this order so the
    // reason names the most fundamental obstacle.
    private static string? NotStorableReason(
        HttpStatusCode status,
        IReadOnlyList<KeyValuePair<string, string>> fields,
        CacheControlDirectives response,
        bool requestHadAuthorization,
        CacheControlDirectives request,
        IReadOnlyList<string> vary)
    {
        if (status is not (HttpStatusCode.OK or HttpStatusCode.PartialContent))
        {
            return "status";
        }

        // A 206 is stored as slices of the whole representation, so it needs "bytes first-last/complete-length"
        // (RFC 9110 section 14.4); "/*" or a multipart/byteranges body (no Content-Range) cannot be placed.
        if (status == HttpStatusCode.PartialContent && !HasCompleteLength(ResponseFields.GetAll(fields, "Content-Range")))
        {
            return "partial_unknown_length";
        }

        if (request.NoStore || response.NoStore)
        {
            return "no_store"; // sections 5.2.1.5, 5.2.2.5
        }

        if (response.Private)
        {
            return "private"; // section 5.2.2.7: a shared cache stores no form of it
        }

        // Section 3.5: a shared cache stores an answer to an authenticated request only when the response says so.
        // An s-maxage that is malformed does not count: when in doubt, not storing is the safe side.
        if (requestHadAuthorization && !(response.Public || response.SharedMaxAge is not null || response.MustRevalidate))
        {
            return "authorization";
        }

        if (vary.Contains("*"))
        {
            return "vary_star"; // section 4.1: Vary: * always fails to match
        }

        // RFC 9111 allows storing a response with Set-Cookie (section 7.3 only warns). This cache does not: a cookie
        // is usually a per-user session, and replaying it to other viewers would leak it. nginx's proxy_cache makes
        // the same choice (it does not cache responses with Set-Cookie unless told to ignore the field). Set-Cookie2
        // (RFC 2965, obsolete) sets a cookie too.
        if (ResponseFields.GetAll(fields, "Set-Cookie").Any() || ResponseFields.GetAll(fields, "Set-Cookie2").Any())
        {
            return "set_cookie";
        }

        // 200 and 206 are heuristically cacheable (RFC 9110 section 15.1), so no explicit freshness is needed.
        return null;
    }

    private static Freshness Compute(
        IReadOnlyList<KeyValuePair<string, string>> fields,
        CacheControlDirectives directives,
        bool useExpires,
        DateTimeOffset requestTime,
        DateTimeOffset responseTime,
        TimeSpan defaultTtl,
        TimeSpan defaultStaleIfError,
        TimeSpan ageValue)
    {
        // RFC 9110 section 6.6.1: a recipient with a clock uses its receipt time when Date is missing or invalid.
        DateTimeOffset? date = HttpDate.TryParse(ResponseFields.GetAll(fields, "Date").FirstOrDefault(), out var parsedDate)
            ? parsedDate
            : null;
        return new Freshness(
            responseTime,
            InitialAge(ageValue, date, requestTime, responseTime),
            Lifetime(fields, directives, useExpires, date ?? responseTime, defaultTtl),
            directives.StaleWhileRevalidate ?? TimeSpan.Zero,
            directives.StaleIfError ?? defaultStaleIfError,
            AlwaysRevalidate: directives.NoCache,
            MustRevalidate: directives.MustRevalidate || directives.ProxyRevalidate || directives.HasSharedMaxAge);
    }

    /// <summary>
    /// freshness_lifetime for a shared cache (section 4.2.1): s-maxage, else max-age, else Expires minus Date, else
    /// the heuristic. A malformed max-age or s-maxage makes the response stale (section 4.2.1: "consider responses
    /// that have invalid freshness information ... to be stale"), as does an Expires that is not an HTTP-date,
    /// e.g. "0" (section 5.3). Of several Expires lines the first counts (section 4.2.1).
    /// <para>
    /// Heuristic (section 4.2.2): the route's <c>Cache:Ttl</c>, nothing cleverer. The section suggests 10% of the
    /// time since Last-Modified; that makes an object's lifetime depend on when it was last edited, which operators
    /// cannot predict or read off the configuration. One configured figure for every response without explicit
    /// freshness is what config/README.md documents, and an origin that cares sends max-age.
    /// </para>
    /// </summary>
    private static TimeSpan Lifetime(
        IReadOnlyList<KeyValuePair<string, string>> fields, CacheControlDirectives directives, bool useExpires, DateTimeOffset date, TimeSpan defaultTtl)
    {
        if (directives.MaxAgeInvalid || directives.SharedMaxAgeInvalid)
        {
            return TimeSpan.Zero;
        }

        if ((directives.SharedMaxAge ?? directives.MaxAge) is { } explicitLifetime)
        {
            return explicitLifetime;
        }

        if (useExpires && ResponseFields.GetAll(fields, "Expires").FirstOrDefault() is { } expires)
        {
            return HttpDate.TryParse(expires, out var expiresAt) && expiresAt > date ? expiresAt - date : TimeSpan.Zero;
        }

        return defaultTtl;
    }

    /// <summary>corrected_initial_age, exactly as RFC 9111 section 4.2.3 computes it.</summary>
    private static TimeSpan InitialAge(TimeSpan ageValue, DateTimeOffset? date, DateTimeOffset requestTime, DateTimeOffset responseTime)
    {
        var apparentAge = date is { } dateValue ? Max(TimeSpan.Zero, responseTime - dateValue) : TimeSpan.Zero;

        // A response_time before request_time means the clock moved; the delay cannot be negative.
        var responseDelay = Max(TimeSpan.Zero, responseTime - requestTime);
        var correctedAgeValue = ageValue + responseDelay;
        return Max(apparentAge, correctedAgeValue);
    }

    /// <summary>
    /// age_value: the Age field (section 5.1). A list uses its first member; an invalid value is ignored (0).
    /// </summary>
    private static TimeSpan AgeValue(IReadOnlyList<KeyValuePair<string, string>> fields) =>
        CacheControlDirectives.TryDeltaSeconds(FieldList.Members(ResponseFields.GetAll(fields, "Age")).FirstOrDefault(), out var age)
            ? age
            : TimeSpan.Zero;

    /// <summary>Vary's field names (RFC 9110 section 12.5.5), lower-case, sorted, without duplicates.</summary>
    private static List<string> VaryNames(IEnumerable<string> lines) =>
        FieldList.Members(lines).Select(name => name.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal).ToList();

    private static bool HasCompleteLength(IEnumerable<string> contentRange)
    {
        var lines = contentRange.ToList();
        return lines.Count == 1
            && ContentRangeHeaderValue.TryParse(lines[0], out var value)
            && string.Equals(value.Unit, "bytes", StringComparison.OrdinalIgnoreCase)
            && value.HasRange
            && value.HasLength;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
