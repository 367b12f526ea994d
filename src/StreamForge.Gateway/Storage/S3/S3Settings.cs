namespace StreamForge.Gateway.Storage.S3;

/// <summary>How the gateway talks to S3-compatible storage (section <c>StreamForge:S3</c>).</summary>
/// <param name="ServiceUrl">Endpoint of an S3-compatible server; null means AWS itself, by region.</param>
/// <param name="AccessKey">With <paramref name="SecretKey"/>, static credentials; both null means the AWS default chain.</param>
/// <param name="ResponseTimeout">
/// How long any S3 call may wait for response headers once its request is sent; a hung S3 then answers
/// 504 upstream_timeout instead of holding the request forever.
/// </param>
/// <param name="VerifyDownloads">What full-object GETs are checked against; a mismatch cuts the response short.</param>
internal sealed record S3Settings(
    string? ServiceUrl,
    string Region,
    bool ForcePathStyle,
    string? AccessKey,
    string? SecretKey,
    TimeSpan ResponseTimeout,
    DownloadVerification VerifyDownloads = DownloadVerification.Checksum)
{
    /// <summary>Long enough for S3 to assemble a large CompleteMultipartUpload, short enough to fail a hung S3 fast.</summary>
    public static readonly TimeSpan DefaultResponseTimeout = TimeSpan.FromSeconds(30);
}
