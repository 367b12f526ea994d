namespace StreamForge.Gateway.Caching;

/// <summary>How a fill copies: the route policy's chunk size and stall timeout, and who it counts for.</summary>
internal sealed record FillOptions(string RouteId, int ChunkSize, TimeSpan StallTimeout);
