namespace StreamForge.Gateway.Storage.S3;

/// <summary>Chooses multipart part sizes that obey S3's rules: parts of 5 MiB..5 GiB (the last may be smaller), at most 10,000.</summary>
internal static class PartSizePlanner
{
    private const long MiB = 1024 * 1024;

    /// <summary>
    /// The part size for a body of known length: the preferred size, grown to whole MiB only as far as needed to
    /// fit 10,000 parts. Null when no part size can hold the body (over S3's 5 TiB object limit).
    /// </summary>
    public static long? ForKnownLength(long length, long preferred)
    {
        if (length > S3Limits.MaxObjectSize)
        {
            return null;
        }

        var needed = (length + S3Limits.MaxParts - 1) / S3Limits.MaxParts;
        var wholeMiB = (needed + MiB - 1) / MiB * MiB;
        return Math.Clamp(Math.Max(preferred, wholeMiB), S3Limits.MinPartSize, S3Limits.MaxPartSize);
    }

    /// <summary>How many parts a body of <paramref name="length"/> takes; an empty body is still one part.</summary>
    public static int PartCount(long length, long partSize) =>
        length == 0 ? 1 : (int)((length + partSize - 1) / partSize);

    /// <summary>The largest chunked body that parts of this size can carry.</summary>
    public static long MaxChunkedBodySize(long partSize) => partSize * S3Limits.MaxParts;
}
