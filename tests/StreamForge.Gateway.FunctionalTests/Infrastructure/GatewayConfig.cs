using StreamForge.Gateway.Security;
namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>Builds the flat key/value configuration of a gateway under test: routes, clusters, policies.</summary>
internal sealed class GatewayConfig
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);

    public GatewayConfig Route(string routeId, string pathPattern, string clusterId, string? policy = null, string? writeAccess = null)
    {
        _values[$"ReverseProxy:Routes:{routeId}:ClusterId"] = clusterId;
        _values[$"ReverseProxy:Routes:{routeId}:Match:Path"] = pathPattern;
        if (policy is not null)
        {
            _values[$"ReverseProxy:Routes:{routeId}:Metadata:StreamPolicy"] = policy;
        }

        if (writeAccess is not null)
        {
            _values[$"ReverseProxy:Routes:{routeId}:Metadata:WriteAccess"] = writeAccess;
        }

        return this;
    }

    public GatewayConfig Cluster(string clusterId, string address)
    {
        _values[$"ReverseProxy:Clusters:{clusterId}:Destinations:d1:Address"] = address;
        return this;
    }

    public GatewayConfig S3(string serviceUrl)
    {
        _values["StreamForge:S3:ServiceUrl"] = serviceUrl;
        _values["StreamForge:S3:ForcePathStyle"] = "true";
        _values["StreamForge:S3:AccessKey"] = S3ServerFixture.AccessKey;
        _values["StreamForge:S3:SecretKey"] = S3ServerFixture.SecretKey;
        return this;
    }

    public GatewayConfig Set(string key, string? value)
    {
        _values[key] = value;
        return this;
    }

    public IReadOnlyDictionary<string, string?> Build() => _values;
}
