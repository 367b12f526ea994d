namespace StreamForge.Gateway.Streaming;

/// <summary>How a copy between two streams ended; mapped to HTTP in one place (Proxy/CopyOutcomeResponder).</summary>
internal enum CopyOutcome
{
    Completed,

    /// <summary>Reading the source (storage, origin, or the client's upload) failed.</summary>
    SourceFailed,

    /// <summary>The source delivered no bytes for the policy's stall timeout (a hung store or origin).</summary>
    SourceStalled,

    /// <summary>Writing the destination failed: usually the client went away.</summary>
    DestinationFailed,

    /// <summary>The destination accepted no bytes for the policy's stall timeout.</summary>
    Stalled,

    /// <summary>The request was aborted (client disconnect or shutdown).</summary>
    Canceled,
}
