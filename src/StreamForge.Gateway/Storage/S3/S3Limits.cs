namespace StreamForge.Gateway.Storage.S3;

/// <summary>S3's multipart rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html).</summary>
internal static class S3Limits
{
    public const long MinPartSize = 5L * 1024 * 1024;
    public const long MaxPartSize = 5L * 1024 * 1024 * 1024;
    public const int MaxParts = 10_000;
    public const long MaxSinglePutSize = 5L * 1024 * 1024 * 1024;
    public const long MaxObjectSize = 5L * 1024 * 1024 * 1024 * 1024;
}
