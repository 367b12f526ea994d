using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Streaming;

/// <param name="ChunkSize">The most bytes read per step (the <see cref="ChunkSizer"/> starts lower): the largest pooled buffer, or chunk read into a destination pipe.</param>
/// <param name="StallTimeout">A write not accepted within this long ends the copy as <see cref="CopyOutcome.Stalled"/>.</param>
/// <param name="SourceStallTimeout">When the source has a limit of its own (an origin cluster's activity timeout), a read that moves nothing for this long ends the copy as <see cref="CopyOutcome.SourceStalled"/>; null: <paramref name="StallTimeout"/>.</param>
/// <param name="ExpectedLength">When known, a source that ends early is a failure, not a short success.</param>
internal sealed record CopyOptions(
    int ChunkSize,
    TimeSpan StallTimeout,
    long? ExpectedLength = null,
    StreamThrottle? Throttle = null,
    ICopyObserver? Observer = null,
    TimeSpan? SourceStallTimeout = null);
