using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Caching;

/// <summary>What one request on a caching route brings to the cache: its upstream, its route's policy and how it copies.</summary>
/// <param name="Namespace">The route's cluster id.</param>
/// <param name="Directives">The request's Cache-Control (and Pragma), which may refuse a stored copy unchecked (RFC 9111 section 5.2.1).</param>
/// <param name="Served">
/// Storage routes: the Cache-Control the route's policy sends with a key (null when it sends none), which bounds how
/// long the cache trusts its copy (<see cref="Freshness.ForStorage(DateTimeOffset, TimeSpan, TimeSpan, CacheControlDirectives)"/>).
/// </param>
internal sealed record CacheBinding(
    string Namespace, CachePolicy Policy, long SliceSize, FillOptions Fill, CacheControlDirectives Directives, Func<string, CacheControlDirectives?> Served)
{
    /// <summary>
    /// A storage version's freshness as this route sees it (routes onto one cluster share versions, not policies): by the
    /// Cache-Control clients get with it, the route's, else the one stored with the object (S3's, which goes out when
    /// the route sets none; a live playlist written with <c>no-cache</c> is revalidated every time).
    /// </summary>
    public Freshness StorageFreshness(string key, DateTimeOffset validatedAt, StoredHeaders? objectHeaders) =>
        Freshness.ForStorage(validatedAt, Policy.Ttl, Policy.StaleIfError, Served(key)
            ?? (objectHeaders?.GetAll("Cache-Control").ToList() is { Count: > 0 } stored ? CacheControlDirectives.Parse(stored) : CacheControlDirectives.Empty));

    /// <summary>
    /// The slice holding byte <paramref name="first"/> of an object whose length is not known yet. Its last byte stops at
    /// <see cref="long.MaxValue"/>: a range may start so close to it that a whole slice does not fit.
    /// </summary>
    public ByteSpan SliceHolding(long first)
    {
        var start = first / SliceSize * SliceSize;
        return new ByteSpan(start, start > long.MaxValue - SliceSize ? long.MaxValue : start + SliceSize - 1);
    }

    /// <summary>Whether this request may be answered with <paramref name="stored"/> without asking upstream.</summary>
    public bool Accepts(CachedVersion stored, DateTimeOffset now) => OriginCacheRules.RequestAcceptsStored(Directives, stored.Freshness, now);
}
