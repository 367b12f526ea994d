using System.Text.Json;
using System.Text.Json.Nodes;

namespace StreamForge.Bench.Hosting;

/// <summary>
/// The JSON file a gateway contender is started with (<c>--config</c>): standard YARP routes and clusters plus
/// the StreamForge section, as config/README.md describes them.
/// </summary>
internal sealed class GatewayConfigBuilder
{
    private readonly JsonObject _routes = [];
    private readonly JsonObject _clusters = [];
    private readonly JsonObject _policies = [];
    private JsonObject? _s3;
    private JsonObject? _cache;

    public GatewayConfigBuilder Route(string id, string path, string clusterId, string? policy = null, string? writeAccess = null, string? removePrefix = null)
    {
        var route = new JsonObject
        {
            ["ClusterId"] = clusterId,
            ["Match"] = new JsonObject { ["Path"] = path },
        };
        var metadata = new JsonObject();
        if (policy is not null)
        {
            metadata["StreamPolicy"] = policy;
        }

        if (writeAccess is not null)
        {
            metadata["WriteAccess"] = writeAccess;
        }

        if (metadata.Count > 0)
        {
            route["Metadata"] = metadata;
        }

        if (removePrefix is not null)
        {
            route["Transforms"] = new JsonArray(new JsonObject { ["PathRemovePrefix"] = removePrefix });
        }

        _routes[id] = route;
        return this;
    }

    public GatewayConfigBuilder Cluster(string id, string address)
    {
        _clusters[id] = new JsonObject { ["Destinations"] = new JsonObject { ["d1"] = new JsonObject { ["Address"] = address } } };
        return this;
    }

    public GatewayConfigBuilder S3(Uri serviceUrl)
    {
        _s3 = new JsonObject
        {
            ["ServiceUrl"] = serviceUrl.ToString().TrimEnd('/'),
            ["ForcePathStyle"] = true,
            ["Region"] = "us-east-1",
            ["AccessKey"] = S3Server.AccessKey,
            ["SecretKey"] = S3Server.SecretKey,
        };
        return this;
    }

    /// <summary>A policy setting <c>Throttle:BytesPerSecond</c> (the key the throttling issue specifies).</summary>
    public GatewayConfigBuilder ThrottlePolicy(string name, string bytesPerSecond)
    {
        _policies[name] = new JsonObject { ["Throttle"] = new JsonObject { ["BytesPerSecond"] = bytesPerSecond } };
        return this;
    }

    /// <summary>A policy's <c>Buffer</c> section: the chunk each copy step reads, and the memory ceiling that must hold it.</summary>
    public GatewayConfigBuilder BufferPolicy(string name, string chunkSize, string maxBufferedBytes)
    {
        if (_policies[name] is not JsonObject policy)
        {
            _policies[name] = policy = [];
        }

        policy["Buffer"] = new JsonObject { ["ChunkSize"] = chunkSize, ["MaxBufferedBytes"] = maxBufferedBytes };
        return this;
    }

    /// <summary><c>StreamForge:Cache</c>: where the edge cache keeps its slices and how large it may grow (issue #12).</summary>
    public GatewayConfigBuilder Cache(string directory, string maxSize)
    {
        _cache = new JsonObject { ["Directory"] = directory, ["MaxSize"] = maxSize };
        return this;
    }

    /// <summary>A policy's <c>Cache</c> section (issue #12), merged into whatever else the policy sets.</summary>
    public GatewayConfigBuilder CachePolicy(string name, string ttl, string staleIfError)
    {
        if (_policies[name] is not JsonObject policy)
        {
            _policies[name] = policy = [];
        }

        policy["Cache"] = new JsonObject { ["Enabled"] = true, ["Ttl"] = ttl, ["StaleIfError"] = staleIfError };
        return this;
    }

    public string Write(string path)
    {
        var streamForge = new JsonObject();
        if (_s3 is not null)
        {
            streamForge["S3"] = _s3.DeepClone();
        }

        if (_cache is not null)
        {
            streamForge["Cache"] = _cache.DeepClone();
        }

        if (_policies.Count > 0)
        {
            streamForge["StreamPolicies"] = _policies.DeepClone();
        }

        var root = new JsonObject
        {
            ["ReverseProxy"] = new JsonObject { ["Routes"] = _routes.DeepClone(), ["Clusters"] = _clusters.DeepClone() },
            ["StreamForge"] = streamForge,
        };
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
