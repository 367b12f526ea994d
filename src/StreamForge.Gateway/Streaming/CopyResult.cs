namespace StreamForge.Gateway.Streaming;

/// <summary>The result of one copy: outcome, bytes moved, and the failure if any.</summary>
internal readonly record struct CopyResult(CopyOutcome Outcome, long BytesCopied, Exception? Error = null)
{
    public bool IsSuccess => Outcome == CopyOutcome.Completed;
}
