namespace StreamForge.Gateway.Configuration;

/// <param name="MaxBodySize">Largest request body accepted; larger ones get 413 before a byte is stored.</param>
/// <param name="SinglePutMaxSize">Bodies of known length up to this size go to S3 in one PutObject.</param>
internal sealed record UploadPolicy(long MaxBodySize, long SinglePutMaxSize)
{
    // S3 accepts at most 5 GiB in one PutObject; 64 MiB keeps a failed single PUT cheap to retry.
    public static UploadPolicy Default { get; } = new(5L * 1024 * 1024 * 1024, 64L * 1024 * 1024);

    public const long S3MaxSinglePutSize = 5L * 1024 * 1024 * 1024;
}
