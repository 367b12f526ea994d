namespace StreamForge.Gateway.Storage;

/// <summary>What the gateway knows of a stored object before sending its body.</summary>
/// <param name="ETag">A quoted entity tag, e.g. <c>"9b2cf535f27731c974343645a3985328"</c>.</param>
/// <param name="LastModified">When the object was last modified, or null when its origin gave no date (no Last-Modified is then sent, and date preconditions are ignored, RFC 9110 sections 13.1.3 and 13.1.4).</param>
/// <param name="ContentType">The stored media type, or null to derive one from the key's extension.</param>
/// <param name="Headers">End-to-end headers replayed with the object: those an HTTP origin sent with a cached response (RFC 9111 section 3.1), or the representation headers S3 stored with it (Content-Encoding, Content-Disposition, ...); null when there are none.</param>
internal sealed record ObjectInfo(long Length, string ETag, DateTimeOffset? LastModified, string? ContentType, IReadOnlyList<KeyValuePair<string, string>>? Headers = null);
