namespace StreamForge.Gateway.Storage.S3;

/// <summary>
/// Backoff for aborting a multipart upload S3 could not be told about: 1 s doubling to 1 min, for about an
/// hour in all. Beyond that an S3 lifecycle rule (AbortIncompleteMultipartUpload) is the backstop.
/// </summary>
internal static class AbortRetry
{
    public const int MaxAttempts = 66;

    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(1);

    public static TimeSpan DelayBefore(int attempt) =>
        attempt >= 7 ? MaxDelay : TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, Math.Pow(2, attempt - 1)));
}
