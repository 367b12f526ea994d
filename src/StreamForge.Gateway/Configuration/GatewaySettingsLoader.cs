using System.Net;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Net.Http.Headers;
using StreamForge.Gateway.Caching;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.RateLimiting;
using StreamForge.Gateway.Security;
using StreamForge.Gateway.Storage;
using StreamForge.Gateway.Storage.FileSystem;
using StreamForge.Gateway.Storage.S3;

namespace StreamForge.Gateway.Configuration;

/// <summary>
/// Reads and validates the <c>StreamForge</c> section together with the storage-relevant parts of YARP's
/// <c>ReverseProxy</c> section, reporting every problem at once (naming route, cluster, policy and key).
/// </summary>
internal static class GatewaySettingsLoader
{
    // YARP's reserved policy names (rate limiting and CORS): the app's default policy, and none at all.
    private static readonly string[] YarpBuiltInPolicies = ["Default", "Disable"];

    public static GatewaySettings Load(IConfiguration configuration, string contentRoot)
    {
        var errors = new ConfigurationErrors();
        var reader = new ConfigurationReader(errors);
        var root = configuration.GetSection("StreamForge");

        var policies = StreamPolicyReader.ReadAll(root.GetSection("StreamPolicies"), errors);
        var s3 = ReadS3(root.GetSection("S3"), reader, errors);
        var rateLimits = RateLimitPolicyReader.ReadAll(root.GetSection("RateLimits"), errors);
        var cors = CorsPolicyReader.ReadAll(root.GetSection("Cors"), errors);
        var redis = root.GetSection("Redis")["Configuration"];
        if (redis is null && rateLimits.Values.FirstOrDefault(p => p.Distributed) is { } distributed)
        {
            errors.Add("StreamForge:Redis:Configuration", $"required by the distributed rate limit policy '{distributed.Name}'");
        }

        var auth = ReadAuth(root.GetSection("Auth"), errors);
        var drain = reader.Duration(root.GetSection("Shutdown"), "DrainTimeout", TimeSpan.FromSeconds(30), TimeSpan.Zero, TimeSpan.FromHours(1));
        var admin = ReadAdmin(root.GetSection("Admin"), reader, errors);
        var accessLog = ReadAccessLog(root.GetSection("AccessLog"), reader, errors);
        var metrics = ReadMetrics(root.GetSection("Metrics"), reader, errors);
        var compressionSection = root.GetSection("Compression");
        var compression = new CompressionSettings(
            reader.Boolean(compressionSection, "Enabled", CompressionSettings.Default.Enabled),
            reader.Size(compressionSection, "MaxBodySize", CompressionSettings.Default.MaxBodySize, 0, 1L << 30));
        var cache = ReadCache(root.GetSection("Cache"), reader, contentRoot, errors);
        var fileStore = new FileStoreSettings(reader.Duration(root.GetSection("FileStore"), "TempFileMaxAge",
            FileStoreSettings.DefaultTempFileMaxAge, TimeSpan.FromMinutes(1), TimeSpan.FromDays(365)));

        var proxy = configuration.GetSection("ReverseProxy");
        var clusters = proxy.GetSection("Clusters");
        var clusterIds = clusters.GetChildren().Select(c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var storageClusters = ValidateClusters(clusters, contentRoot, errors);
        ValidateRoutes(proxy.GetSection("Routes"), clusterIds, storageClusters, policies, rateLimits, cors, auth, errors);

        errors.ThrowIfAny();
        return new GatewaySettings(s3, policies, rateLimits, redis, auth, drain, admin, fileStore, ReadMediaTypes(root.GetSection("MediaTypes"), errors), cors, compression, accessLog, metrics, cache);
    }

    private static MediaTypes ReadMediaTypes(IConfigurationSection section, ConfigurationErrors errors)
    {
        var configured = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in section.GetChildren())
        {
            if (!entry.Key.StartsWith('.') || entry.Key.Length < 2)
            {
                errors.Add(entry.Path, "an extension starts with '.', e.g. \".m3u8\"");
            }
            else if (!MediaTypeHeaderValue.TryParse(entry.Value, out var type) || type.MediaType.Value?.Contains('/', StringComparison.Ordinal) != true)
            {
                errors.Add(entry.Path, $"'{entry.Value}' is not a media type (example: \"application/vnd.apple.mpegurl\")");
            }
            else
            {
                configured[entry.Key] = entry.Value!;
            }
        }

        return configured.Count == 0 ? MediaTypes.Default : new MediaTypes(configured);
    }

    private static CacheSettings ReadCache(IConfigurationSection section, ConfigurationReader reader, string contentRoot, ConfigurationErrors errors)
    {
        errors.RejectUnknownKeys(section, ["Directory", "MaxSize"]);
        var directory = section["Directory"] is { Length: > 0 } configured ? configured : "cache";
        return new CacheSettings(
            Path.GetFullPath(Path.Combine(contentRoot, directory)),
            reader.Size(section, "MaxSize", CacheSettings.DefaultMaxSize, 64L * 1024 * 1024, long.MaxValue / 4));
    }

    private static AccessLogSettings ReadAccessLog(IConfigurationSection section, ConfigurationReader reader, ConfigurationErrors errors)
    {
        errors.RejectUnknownKeys(section, ["Enabled", "Directory", "MaxFileSize", "RetainedFiles", "QueueLength"]);
        var defaults = AccessLogSettings.Default;
        return new AccessLogSettings(
            reader.Boolean(section, "Enabled", defaults.Enabled),
            section["Directory"] is { Length: > 0 } directory ? directory : defaults.Directory,
            reader.Size(section, "MaxFileSize", defaults.MaxFileSize, 4096, 1L << 40),
            reader.Integer(section, "RetainedFiles", defaults.RetainedFiles, 1, 100_000),
            reader.Integer(section, "QueueLength", defaults.QueueLength, 16, 1 << 20));
    }

    private static MetricsSettings ReadMetrics(IConfigurationSection section, ConfigurationReader reader, ConfigurationErrors errors)
    {
        errors.RejectUnknownKeys(section, ["CardinalityLimit"]);
        return new MetricsSettings(reader.Integer(section, "CardinalityLimit", MetricsSettings.Default.CardinalityLimit, 16, 100_000));
    }

    private static AdminAccess ReadAdmin(IConfigurationSection section, ConfigurationReader reader, ConfigurationErrors errors)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in section.GetSection("AllowedNetworks").GetChildren())
        {
            if (IPNetwork.TryParse(entry.Value, out var network))
            {
                networks.Add(network);
            }
            else
            {
                errors.Add(entry.Path, $"'{entry.Value}' is not a network in CIDR form (examples: \"10.0.0.0/8\", \"fd00::/8\")");
            }
        }

        var allowAuthenticated = reader.Boolean(section, "AllowAuthenticated", false);
        return networks.Count == 0 && !allowAuthenticated ? AdminAccess.LoopbackOnly : new AdminAccess(networks, allowAuthenticated);
    }

    private static AuthSettings ReadAuth(IConfigurationSection section, ConfigurationErrors errors)
    {
        var keys = section.GetSection("ApiKeys").GetChildren().ToDictionary(k => k.Key, k => k.Value ?? string.Empty, StringComparer.Ordinal);
        foreach (var (name, secret) in keys.Where(k => k.Value.Length < 16))
        {
            errors.Add($"{section.Path}:ApiKeys:{name}", "an API key must be at least 16 characters");
        }

        var jwt = section.GetSection("Jwt");
        var signingKey = jwt["SigningKey"];
        if (signingKey is not null)
        {
            var buffer = new byte[signingKey.Length];
            if (!Convert.TryFromBase64String(signingKey, buffer, out var length) || length < 32)
            {
                errors.Add(ConfigurationReader.PathOf(jwt, "SigningKey"), "must be a base64 key of at least 32 bytes");
            }
        }

        var authority = jwt["Authority"];
        if (authority is not null && !StorageAddress.IsHttp(authority))
        {
            errors.Add(ConfigurationReader.PathOf(jwt, "Authority"), $"'{authority}' is not an http(s) URL");
        }

        return new AuthSettings(keys, section["ApiKeyHeader"] ?? "X-Api-Key", authority, jwt["Audience"], jwt["Issuer"], signingKey);
    }

    private static S3Settings ReadS3(IConfigurationSection section, ConfigurationReader reader, ConfigurationErrors errors)
    {
        var serviceUrl = section["ServiceUrl"];
        if (serviceUrl is not null && !StorageAddress.IsHttp(serviceUrl))
        {
            errors.Add(ConfigurationReader.PathOf(section, "ServiceUrl"), $"'{serviceUrl}' is not an http(s) URL");
        }

        var accessKey = section["AccessKey"];
        var secretKey = section["SecretKey"];
        if ((accessKey is null) != (secretKey is null))
        {
            errors.Add(section.Path, "set both AccessKey and SecretKey, or neither (to use the AWS default credential chain)");
        }

        var responseTimeout = reader.Duration(section, "ResponseTimeout", S3Settings.DefaultResponseTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        var verifyDownloads = reader.Enumeration(section, "VerifyDownloads", DownloadVerification.Checksum);
        return new S3Settings(serviceUrl, section["Region"] ?? "us-east-1", reader.Boolean(section, "ForcePathStyle", serviceUrl is not null),
            accessKey, secretKey, responseTimeout, verifyDownloads);
    }

    /// <summary>Returns the ids of clusters whose destination is storage.</summary>
    private static HashSet<string> ValidateClusters(IConfigurationSection clusters, string contentRoot, ConfigurationErrors errors)
    {
        var storage = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var cluster in clusters.GetChildren())
        {
            var destinations = cluster.GetSection("Destinations").GetChildren().ToList();
            var storageCount = 0;
            foreach (var destination in destinations)
            {
                var address = destination["Address"];
                var path = ConfigurationReader.PathOf(destination, "Address");
                if (string.IsNullOrWhiteSpace(address))
                {
                    errors.Add(path, "missing destination address");
                }
                else if (StorageAddress.IsStorage(address))
                {
                    storageCount++;
                    if (StorageAddress.Parse(address, contentRoot, out var problem) is null)
                    {
                        errors.Add(path, problem!);
                    }
                }
                else if (!StorageAddress.IsHttp(address))
                {
                    errors.Add(path, $"unsupported address '{address}': use http(s)://host/, s3://bucket/prefix/ or file:///path/");
                }
            }

            if (storageCount > 0)
            {
                storage.Add(cluster.Key);
                if (destinations.Count != 1)
                {
                    errors.Add(cluster.Path, "a storage cluster (s3:// or file:) has exactly one destination");
                }
            }
        }

        return storage;
    }

    private static void ValidateRoutes(
        IConfigurationSection routes,
        HashSet<string> clusterIds,
        HashSet<string> storageClusters,
        Dictionary<string, StreamPolicy> policies,
        Dictionary<string, RateLimitPolicySettings> rateLimits,
        Dictionary<string, CorsPolicy> cors,
        AuthSettings auth,
        ConfigurationErrors errors)
    {
        foreach (var route in routes.GetChildren())
        {
            var metadata = route.GetSection("Metadata");
            var values = metadata.GetChildren().Where(entry => entry.Value is not null)
                .ToDictionary(entry => entry.Key, entry => entry.Value!, StringComparer.OrdinalIgnoreCase);
            var (routePolicy, access) = RouteMetadataReader.Read(route.Key, values, policies, errors);
            if (routePolicy.Access is not null && route["ClusterId"] is { } signedCluster && !storageClusters.Contains(signedCluster))
            {
                errors.Add(ConfigurationReader.PathOf(metadata, RouteMetadataKeys.StreamPolicy),
                    $"policy '{routePolicy.Name}' requires signed URLs, which only storage routes check; '{signedCluster}' is an HTTP origin");
            }

            if (access == WriteAccess.Authenticated && auth.ApiKeys.Count == 0 && !auth.HasJwt)
            {
                errors.Add(ConfigurationReader.PathOf(metadata, RouteMetadataKeys.WriteAccess),
                    "Authenticated writes need StreamForge:Auth:ApiKeys or StreamForge:Auth:Jwt");
            }

            if (route["ClusterId"] is { } targetCluster && storageClusters.Contains(targetCluster))
            {
                // YARP's response transforms act on a proxied response, which storage routes do not have: refuse them
                // rather than ignore them.
                foreach (var transform in route.GetSection("Transforms").GetChildren()
                    .Where(t => t.GetChildren().Any(k => k.Key.StartsWith("ResponseHeader", StringComparison.OrdinalIgnoreCase)
                        || k.Key.StartsWith("ResponseTrailer", StringComparison.OrdinalIgnoreCase))))
                {
                    errors.Add(transform.Path, "response transforms do not apply to storage routes; set response headers with the stream policy's Headers section");
                }
            }

            var corsPolicy = route["CorsPolicy"];
            if (corsPolicy is not null && !cors.ContainsKey(corsPolicy) && !YarpBuiltInPolicies.Contains(corsPolicy, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add(ConfigurationReader.PathOf(route, "CorsPolicy"),
                    $"unknown CORS policy '{corsPolicy}'; defined under StreamForge:Cors: {string.Join(", ", cors.Keys.Order())}");
            }

            var rateLimit = route["RateLimiterPolicy"];
            if (rateLimit is not null && !rateLimits.ContainsKey(rateLimit) && !YarpBuiltInPolicies.Contains(rateLimit, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add(ConfigurationReader.PathOf(route, "RateLimiterPolicy"),
                    $"unknown rate limit policy '{rateLimit}'; defined under StreamForge:RateLimits: {string.Join(", ", rateLimits.Keys.Order())}");
            }

            var clusterId = route["ClusterId"];
            if (clusterId is not null && !clusterIds.Contains(clusterId))
            {
                errors.Add(ConfigurationReader.PathOf(route, "ClusterId"), $"unknown cluster '{clusterId}'");
            }

            var pathPattern = route.GetSection("Match")["Path"];
            if (clusterId is not null && storageClusters.Contains(clusterId) && (pathPattern is null || !pathPattern.Contains("{**", StringComparison.Ordinal)))
            {
                errors.Add(ConfigurationReader.PathOf(route.GetSection("Match"), "Path"),
                    "a route to a storage cluster needs a catch-all parameter for the object key, e.g. \"/videos/{**key}\"");
            }
        }
    }
}
