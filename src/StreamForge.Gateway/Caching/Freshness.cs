namespace StreamForge.Gateway.Caching;

/// <summary>
/// How long a stored response stays usable (RFC 9111 section 4.2, RFC 5861). The engine persists it as JSON next
/// to the slices, so it holds only the inputs; ages are computed from them at the time asked.
/// </summary>
/// <param name="ResponseTime">When the response (or the 304 that last validated it) arrived: response_time, section 4.2.3.</param>
/// <param name="InitialAge">corrected_initial_age, section 4.2.3: the age the response already had on arrival.</param>
/// <param name="Lifetime">freshness_lifetime, section 4.2.1.</param>
/// <param name="StaleWhileRevalidate">How long after going stale it may be served while a revalidation runs (RFC 5861 section 3).</param>
/// <param name="StaleIfError">
/// How long after going stale it may be served when the origin fails (RFC 5861 section 4): the response's
/// <c>stale-if-error</c>, else the route's <c>Cache:StaleIfError</c>.
/// </param>
/// <param name="AlwaysRevalidate">Response <c>no-cache</c>: stored, but never served without a successful validation (5.2.2.4).</param>
/// <param name="MustRevalidate">
/// <c>must-revalidate</c>, <c>proxy-revalidate</c> or <c>s-maxage</c>: never served stale (sections 5.2.2.2, 5.2.2.8, 5.2.2.10).
/// </param>
internal sealed record Freshness(
    DateTimeOffset ResponseTime,
    TimeSpan InitialAge,
    TimeSpan Lifetime,
    TimeSpan StaleWhileRevalidate,
    TimeSpan StaleIfError,
    bool AlwaysRevalidate,
    bool MustRevalidate)
{
    /// <summary>
    /// current_age = corrected_initial_age + resident_time (section 4.2.3). A clock that went backwards gives a
    /// negative resident_time, counted as zero: an age never shrinks below what the response arrived with.
    /// </summary>
    public TimeSpan CurrentAge(DateTimeOffset now)
    {
        var resident = now - ResponseTime;
        return InitialAge + (resident > TimeSpan.Zero ? resident : TimeSpan.Zero);
    }

    /// <summary>
    /// Whether the response may be served without contacting the origin: freshness_lifetime &gt; current_age
    /// (section 4.2) and not marked <c>no-cache</c>. The request's own directives are
    /// <see cref="OriginCacheRules.RequestAcceptsStored"/>'s business.
    /// </summary>
    public bool IsFresh(DateTimeOffset now) => !AlwaysRevalidate && Lifetime > CurrentAge(now);

    /// <summary>freshness_lifetime - current_age; negative when stale. RFC 9211 section 2.6's <c>ttl</c>.</summary>
    public TimeSpan TimeToLive(DateTimeOffset now) => Lifetime - CurrentAge(now);

    /// <summary>
    /// Stale, but by less than <c>stale-while-revalidate</c>, and nothing forbids serving stale: the engine may answer
    /// from storage and revalidate in the background (RFC 5861 section 3).
    /// </summary>
    public bool MayServeWhileRevalidating(DateTimeOffset now) =>
        !AlwaysRevalidate && !MustRevalidate && IsStaleWithin(now, StaleWhileRevalidate);

    /// <summary>
    /// The origin failed (connection error, timeout, 500, 502, 503, 504; RFC 5861 section 4): whether this stored
    /// response may answer instead. Fresh responses may; stale ones within <c>stale-if-error</c> unless
    /// <c>must-revalidate</c> (and friends) or <c>no-cache</c> forbid generating a stale response (RFC 9111
    /// section 4.2.4 names all three).
    /// </summary>
    public bool MayServeOnError(DateTimeOffset now) =>
        IsFresh(now) || (!AlwaysRevalidate && !MustRevalidate && IsStaleWithin(now, StaleIfError));

    /// <summary>
    /// Storage routes: the store gives no freshness information, so an object is fresh for the route's
    /// <c>Cache:Ttl</c> after it was fetched or last validated, and then revalidated (conditional HEAD/GET).
    /// </summary>
    public static Freshness ForStorage(DateTimeOffset validatedAt, TimeSpan ttl, TimeSpan staleIfError) =>
        ForStorage(validatedAt, ttl, staleIfError, CacheControlDirectives.Empty);

    /// <summary>
    /// Storage routes whose policy gives the key a Cache-Control of its own (<c>Headers</c>): the gateway is the origin
    /// of that field, so its own cache keeps to it as a shared cache keeps to an origin's. A live playlist marked
    /// <c>no-cache</c> is revalidated on every request, one marked <c>max-age=2</c> after two seconds: the cache never
    /// serves what the route tells clients is too old. The lifetime is the shorter of <c>Ttl</c> and the field's
    /// (<c>s-maxage</c>, else <c>max-age</c>), so a year's <c>max-age</c> on segments still has storage asked once per
    /// <c>Ttl</c> for objects replaced in storage directly.
    /// </summary>
    public static Freshness ForStorage(DateTimeOffset validatedAt, TimeSpan ttl, TimeSpan staleIfError, CacheControlDirectives served)
    {
        var lifetime = served.MaxAgeInvalid || served.SharedMaxAgeInvalid
            ? TimeSpan.Zero
            : (served.SharedMaxAge ?? served.MaxAge) is { } declared && declared < ttl ? declared : ttl;
        return new(
            validatedAt,
            TimeSpan.Zero,
            lifetime,
            TimeSpan.Zero,
            served.StaleIfError ?? staleIfError,
            AlwaysRevalidate: served.NoCache || served.NoStore,
            MustRevalidate: served.MustRevalidate || served.ProxyRevalidate || served.HasSharedMaxAge);
    }

    // Stale means current_age >= freshness_lifetime (section 4.2); the window is exclusive so that a window of
    // zero never admits anything.
    private bool IsStaleWithin(DateTimeOffset now, TimeSpan window)
    {
        var staleness = CurrentAge(now) - Lifetime;
        return staleness >= TimeSpan.Zero && staleness < window;
    }
}
