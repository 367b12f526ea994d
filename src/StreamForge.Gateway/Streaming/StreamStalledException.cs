namespace StreamForge.Gateway.Streaming;

/// <summary>A peer moved no bytes for the stream's stall timeout: a source delivered nothing, or a destination accepted nothing.</summary>
internal sealed class StreamStalledException(TimeSpan stallTimeout, bool whileReading)
    : IOException(whileReading
        ? $"the body delivered nothing for {stallTimeout.TotalSeconds:0.###} s"
        : $"the peer accepted nothing for {stallTimeout.TotalSeconds:0.###} s")
{
    public TimeSpan StallTimeout { get; } = stallTimeout;

    /// <summary>True when a read stalled (the source is silent), false when a write did (the destination is full).</summary>
    public bool WhileReading { get; } = whileReading;
}
