namespace StreamForge.Gateway.Storage;

/// <summary>What the gateway knows of a stored object before sending its body.</summary>
/// <param name="ETag">A quoted entity tag, e.g. <c>"9b2cf535f27731c974343645a3985328"</c>.</param>
/// <param name="ContentType">The stored media type, or null to derive one from the key's extension.</param>
internal sealed record ObjectInfo(long Length, string ETag, DateTimeOffset LastModified, string? ContentType);
