namespace StreamForge.Gateway.Configuration;

/// <summary>How the gateway talks to S3-compatible storage (section <c>StreamForge:S3</c>).</summary>
/// <param name="ServiceUrl">Endpoint of an S3-compatible server; null means AWS itself, by region.</param>
/// <param name="AccessKey">With <paramref name="SecretKey"/>, static credentials; both null means the AWS default chain.</param>
internal sealed record S3Settings(
    string? ServiceUrl,
    string Region,
    bool ForcePathStyle,
    string? AccessKey,
    string? SecretKey);
