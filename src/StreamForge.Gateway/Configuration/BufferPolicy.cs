namespace StreamForge.Gateway.Configuration;

/// <param name="ChunkSize">The most bytes read from upstream per step of the copy loop (one chunk per stream: read into the response pipe on downloads, a pooled buffer on uploads); a copy reads 64 KiB until its client keeps up (<see cref="Streaming.ChunkSizer"/>).</param>
/// <param name="MaxBufferedBytes">
/// The ceiling of a download's memory (copy buffer plus server response buffer), checked when the configuration is
/// loaded; never unlimited. Uploads have their own ceilings (config/README.md, "Memory per stream").
/// </param>
/// <param name="StallTimeout">How long a peer may accept (or send) no bytes before the stream is abandoned.</param>
internal sealed record BufferPolicy(int ChunkSize, long MaxBufferedBytes, TimeSpan StallTimeout)
{
    // 256 KiB chunks for clients that keep up (a download starts at 64 KiB: ChunkSizer), and room for one of them
    // beside Kestrel's 64 KiB response buffer.
    public static BufferPolicy Default { get; } = new(256 * 1024, 320 * 1024, TimeSpan.FromSeconds(30));

    /// <summary>
    /// What Kestrel may hold of one response before a write waits (its MaxResponseBufferSize, set to this at
    /// start-up). A stream's own memory is one chunk plus this, which MaxBufferedBytes must be able to hold.
    /// </summary>
    public const long ServerResponseBufferBytes = 64 * 1024;

    /// <summary>Upper bound for MaxBufferedBytes: a stream policy is a constant, small amount of memory.</summary>
    public const long MaxAllowedBufferedBytes = 64L * 1024 * 1024;
}
