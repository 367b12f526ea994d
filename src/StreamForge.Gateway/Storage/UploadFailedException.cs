using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Storage;

/// <summary>An upload ended before its body was stored whole; nothing was stored.</summary>
internal sealed class UploadFailedException(CopyResult result)
    : Exception($"upload ended after {result.BytesCopied} bytes ({result.Outcome})", result.Error)
{
    public CopyResult Result { get; } = result;
}
