using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// Reads one span of the cached version from upstream, pinned to that version (storage: If-Match on the ETag), so
/// that a fill can never mix versions. Throws when the object is gone or changed.
/// </summary>
internal delegate Task<ObjectContent> UpstreamRead(ByteSpan span, CancellationToken cancellationToken);
