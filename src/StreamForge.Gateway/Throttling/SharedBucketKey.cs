namespace StreamForge.Gateway.Throttling;

/// <summary>Identifies a shared bucket: a route's own (no client key) or one client's on one route.</summary>
internal readonly record struct SharedBucketKey(string RouteId, string? ClientKey);
