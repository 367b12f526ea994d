namespace StreamForge.Gateway.Storage;

/// <summary>One PATCH body on its way into a resumable upload.</summary>
/// <param name="Body">Already limited to the bytes the upload still needs.</param>
/// <param name="Accept">When set, asked once the body has ended whether to keep it (a checksum); null keeps every byte.</param>
/// <param name="ChunkSize">Size of the one pooled buffer the body is copied through.</param>
/// <param name="StallTimeout">How long storage may accept none of a part before the call is given up.</param>
internal sealed record ResumableAppend(Stream Body, Func<bool>? Accept, int ChunkSize, TimeSpan StallTimeout);
