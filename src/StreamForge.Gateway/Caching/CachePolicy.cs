namespace StreamForge.Gateway.Caching;

/// <summary>A stream policy's <c>Cache</c> section: whether its routes keep what they serve on the gateway's disk.</summary>
/// <param name="Ttl">
/// How long a stored object is fresh on storage routes (at most: the route's own Cache-Control for a key may shorten
/// it, <see cref="Freshness.ForStorage(DateTimeOffset, TimeSpan, TimeSpan, CacheControlDirectives)"/>), and the heuristic freshness of origin responses that carry
/// no explicit expiry (RFC 9111 section 4.2.2).
/// </param>
/// <param name="StaleIfError">How long past freshness a stored copy may be served while upstream fails (RFC 5861), unless the response forbids it.</param>
internal sealed record CachePolicy(bool Enabled, TimeSpan Ttl, TimeSpan StaleIfError)
{
    public static CachePolicy Disabled { get; } = new(false, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));
}
