namespace StreamForge.Gateway.Streaming;

/// <summary>A client's request body delivered no bytes for the route's stall timeout.</summary>
internal sealed class BodyStalledException(TimeSpan stallTimeout)
    : IOException($"the body delivered nothing for {stallTimeout.TotalSeconds:0.###} s")
{
    public TimeSpan StallTimeout { get; } = stallTimeout;
}
