namespace StreamForge.Bench.Hosting;

/// <summary>Contender ids, in report order; the ratios are taken against the first three references.</summary>
internal static class ContenderKeys
{
    public const string Direct = "direct";
    public const string NginxTuned = "nginx-tuned";
    public const string NginxDefault = "nginx-default";
    public const string BareYarp = "bare-yarp";
    public const string GatewayOrigin = "gw-origin";

    /// <summary>The origin route with a policy of 64 KiB chunks, the default until chunks grew with the client (ChunkSizer).</summary>
    public const string GatewayOrigin64K = "gw-origin-64k";
    public const string GatewayFiles = "gw-files";
    public const string GatewayS3 = "gw-s3";

    /// <summary>s3rver itself, read and written by the bench directly: the reference for the gateway's S3 route.</summary>
    public const string S3Direct = "s3-direct";

    /// <summary>The tuned nginx proxy in front of the same s3rver: the reference proxy for the S3 route.</summary>
    public const string NginxS3 = "nginx-s3";
    public const string BareUpload = "bare-upload";

    /// <summary>g. Cache phase only: nginx proxy_cache + slice, and the gateway's origin and S3 routes with caching on.</summary>
    public const string NginxCache = "nginx-cache";
    public const string GatewayOriginCache = "gw-origin-cache";
    public const string GatewayS3Cache = "gw-s3-cache";

    public static readonly IReadOnlyList<string> Gateway = [GatewayOrigin, GatewayFiles, GatewayS3];

    public static bool IsGateway(string key) => Gateway.Contains(key);

    /// <summary>
    /// Gateway contenders judged against the nginx origin's contenders (large downloads, small objects). The S3 route
    /// reads from s3rver, whose own speed sets its figures: its targets are against the S3 server itself.
    /// </summary>
    public static bool IsJudgedAgainstFileOrigin(string key) => IsGateway(key) && key != GatewayS3;
}
