namespace StreamForge.Gateway.Caching;

/// <summary>What one request on a caching route brings to the cache: its upstream, its route's policy and how it copies.</summary>
/// <param name="Namespace">The route's cluster id.</param>
/// <param name="RequireValidation">The client asked not to be served a stored copy unchecked (request <c>no-cache</c> or <c>max-age=0</c>, RFC 9111 section 5.2.1).</param>
internal sealed record CacheBinding(string Namespace, CachePolicy Policy, long SliceSize, FillOptions Fill, bool RequireValidation);
