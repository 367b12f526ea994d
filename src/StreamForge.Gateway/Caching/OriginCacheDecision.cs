namespace StreamForge.Gateway.Caching;

/// <summary>What <see cref="OriginCacheRules.Evaluate"/> concluded about an origin's response.</summary>
/// <param name="Storable">Whether the cache may store it (RFC 9111 section 3).</param>
/// <param name="Reason">Why not, in snake_case (<c>no_store</c>, <c>private</c>, ...); null when storable.</param>
/// <param name="Freshness">How long it stays usable; computed even when not storable, for Cache-Status' ttl.</param>
/// <param name="Vary">The Vary'd field names, lower-case, sorted, without duplicates; empty when none.</param>
internal sealed record OriginCacheDecision(bool Storable, string? Reason, Freshness Freshness, IReadOnlyList<string> Vary);
