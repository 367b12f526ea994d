
namespace StreamForge.Gateway.Uploads;

/// <param name="MaxBodySize">Largest request body accepted; larger ones get 413 before a byte is stored.</param>
/// <param name="SinglePutMaxSize">Bodies of known length up to this size go to S3 in one PutObject.</param>
/// <param name="PartSize">Preferred S3 multipart part size (grown when needed to stay within 10,000 parts).</param>
/// <param name="MaxBufferedParts">
/// Chunked bodies (no Content-Length) must be held part by part, since S3 needs each part's length first:
/// at most this many parts per upload are in memory (one being filled, the rest uploading).
/// </param>
/// <param name="Pipe">An optional process every upload goes through before it is stored.</param>
internal sealed record UploadPolicy(long MaxBodySize, long SinglePutMaxSize, long PartSize, int MaxBufferedParts, PipePolicy? Pipe = null)
{
    // Up to S3's 5 GiB PutObject limit a body of known length goes up in one streamed PutObject: no part buffers,
    // no server-side assembly, and nothing to abort (S3 stores a PUT whole or not at all). A streamed body cannot be
    // retried in either form, so smaller single PUTs would buy nothing (tests/bench/README.md has the figures).
    // 16 MiB parts: 160 GiB fits in 10,000 parts before the planner has to grow them.
    public static UploadPolicy Default { get; } = new(5L * 1024 * 1024 * 1024, 5L * 1024 * 1024 * 1024, 16L * 1024 * 1024, 2);

    /// <summary>
    /// A body arriving slower than this (after the grace period) is cut off and its upload aborted: a slow-loris
    /// client must not hold a multipart upload and its buffers open forever. Kestrel's own default, 240 B/s.
    /// </summary>
    public long MinBytesPerSecond { get; init; } = 240;

    public TimeSpan MinRateGracePeriod { get; init; } = TimeSpan.FromSeconds(5);
}
