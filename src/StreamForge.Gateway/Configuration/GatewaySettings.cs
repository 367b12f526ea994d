using Microsoft.AspNetCore.Cors.Infrastructure;
using StreamForge.Gateway.Caching;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.RateLimiting;
using StreamForge.Gateway.Security;
using StreamForge.Gateway.Storage.FileSystem;
using StreamForge.Gateway.Storage.S3;

namespace StreamForge.Gateway.Configuration;

/// <summary>The validated <c>StreamForge</c> section, built once at start-up.</summary>
internal sealed class GatewaySettings(
    S3Settings s3,
    IReadOnlyDictionary<string, StreamPolicy> policies,
    IReadOnlyDictionary<string, RateLimitPolicySettings> rateLimits,
    string? redisConfiguration,
    AuthSettings auth,
    TimeSpan drainTimeout,
    AdminAccess admin,
    FileStoreSettings fileStore,
    MediaTypes mediaTypes,
    IReadOnlyDictionary<string, CorsPolicy> corsPolicies,
    CompressionSettings compression,
    AccessLogSettings accessLog,
    MetricsSettings metrics,
    CacheSettings cache)
{
    /// <summary>Where the edge cache keeps slices and how much disk it may use (read at start-up).</summary>
    public CacheSettings Cache { get; } = cache;

    /// <summary>Where and how the access log is written (read at start-up).</summary>
    public AccessLogSettings AccessLog { get; } = accessLog;

    /// <summary>How many label combinations each metric keeps (read at start-up).</summary>
    public MetricsSettings Metrics { get; } = metrics;

    /// <summary>Response compression of text (read at start-up).</summary>
    public CompressionSettings Compression { get; } = compression;

    /// <summary>CORS policies by name (<c>StreamForge:Cors</c>), for YARP routes' <c>CorsPolicy</c>.</summary>
    public IReadOnlyDictionary<string, CorsPolicy> CorsPolicies { get; } = corsPolicies;

    /// <summary>Content types by extension (built-in media map plus <c>StreamForge:MediaTypes</c>).</summary>
    public MediaTypes MediaTypes { get; } = mediaTypes;

    /// <summary>Who may reach the admin surface (<c>/metrics</c>, <c>/_streamforge/</c>).</summary>
    public AdminAccess Admin { get; } = admin;

    /// <summary>How writers on <c>WriteAccess: Authenticated</c> routes prove who they are.</summary>
    public AuthSettings Auth { get; } = auth;

    /// <summary>Request-rate policies by name, for YARP routes' <c>RateLimiterPolicy</c>.</summary>
    public IReadOnlyDictionary<string, RateLimitPolicySettings> RateLimits { get; } = rateLimits;

    /// <summary>StackExchange.Redis configuration string for distributed rate limits.</summary>
    public string? RedisConfiguration { get; } = redisConfiguration;

    public S3Settings S3 { get; } = s3;

    public IReadOnlyDictionary<string, StreamPolicy> Policies { get; } = policies;

    /// <summary>How long streams in flight may go on after SIGTERM before they are aborted.</summary>
    public TimeSpan DrainTimeout { get; } = drainTimeout;

    /// <summary>Temp-file clean-up of file storage clusters.</summary>
    public FileStoreSettings FileStore { get; } = fileStore;
}
