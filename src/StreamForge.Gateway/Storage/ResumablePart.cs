namespace StreamForge.Gateway.Storage;

/// <summary>One uploaded S3 part of a resumable upload.</summary>
internal sealed record ResumablePart(int Number, string ETag, string? ChecksumCrc32);
