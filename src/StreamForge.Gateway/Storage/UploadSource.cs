using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Storage;

/// <summary>A request body on its way into storage.</summary>
/// <param name="Length">The declared Content-Length, or null for a chunked body.</param>
/// <param name="ChunkSize">Size of the pooled buffer used to copy it.</param>
/// <param name="StallTimeout">How long storage may accept none of the body (or, after it, not answer) before the upload is given up.</param>
/// <param name="Headers">Representation headers to keep with the object where the store can (S3: Content-Disposition, Content-Language, Cache-Control).</param>
internal sealed record UploadSource(
    Stream Body, long? Length, string? ContentType, int ChunkSize, UploadPolicy Policy, TimeSpan StallTimeout,
    IReadOnlyList<KeyValuePair<string, string>>? Headers = null);
