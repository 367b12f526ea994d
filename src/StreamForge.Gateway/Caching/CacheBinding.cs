namespace StreamForge.Gateway.Caching;

/// <summary>What one request on a caching route brings to the cache: its upstream, its route's policy and how it copies.</summary>
/// <param name="Namespace">The route's cluster id.</param>
/// <param name="Directives">The request's Cache-Control (and Pragma), which may refuse a stored copy unchecked (RFC 9111 section 5.2.1).</param>
/// <param name="Served">
/// Storage routes: the Cache-Control the route's policy sends with a key, which bounds how long the cache trusts its
/// copy (<see cref="Freshness.ForStorage(DateTimeOffset, TimeSpan, TimeSpan, CacheControlDirectives)"/>).
/// </param>
internal sealed record CacheBinding(
    string Namespace, CachePolicy Policy, long SliceSize, FillOptions Fill, CacheControlDirectives Directives, Func<string, CacheControlDirectives> Served)
{
    /// <summary>A storage version's freshness as this route sees it: routes onto one cluster share versions, not policies.</summary>
    public Freshness StorageFreshness(string key, DateTimeOffset validatedAt) =>
        Freshness.ForStorage(validatedAt, Policy.Ttl, Policy.StaleIfError, Served(key));

    /// <summary>Whether this request may be answered with <paramref name="stored"/> without asking upstream.</summary>
    public bool Accepts(CachedVersion stored, DateTimeOffset now) => OriginCacheRules.RequestAcceptsStored(Directives, stored.Freshness, now);
}
