using System.Runtime.CompilerServices;
using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Storage;
using Yarp.ReverseProxy.Configuration;

namespace StreamForge.Gateway.Routing;

/// <summary>
/// YARP's hook into every configuration load and reload: each route is validated against the current
/// <c>StreamForge</c> settings and resolved into a <see cref="ResolvedRoute"/> (store, stream policy, write access),
/// which <see cref="Resolved"/> hands to the route's endpoint. A problem anywhere throws, and YARP then refuses
/// the whole update and keeps serving the previous configuration (at start-up, the gateway does not start).
/// </summary>
internal sealed class RouteResolver(
    GatewaySettingsSource settings, StorageClusterRegistry stores, IConfiguration configuration, ILogger<RouteResolver> logger) : IProxyConfigFilter
{
    /// <summary>
    /// Route metadata key carrying a digest of the route's policy section. YARP rebuilds an endpoint only when its
    /// route or cluster changed; a changed policy must change the route too, or its endpoint would keep the old one.
    /// </summary>
    internal const string PolicyDigestKey = "StreamForge.PolicyDigest";

    internal const string ClusterDigestKey = "StreamForge.ClusterDestinations";

    private readonly ConditionalWeakTable<RouteConfig, ResolvedRoute> _resolved = [];

    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) => ValueTask.FromResult(cluster);

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
    {
        GatewaySettings current;
        try
        {
            current = settings.ReloadIfChanged();
        }
        catch (GatewayConfigurationException ex)
        {
            GatewayLog.ConfigurationRefused(logger, ex.Message);
            throw;
        }

        var resolved = Resolve(route, cluster, current);
        var metadata = new Dictionary<string, string>(route.Metadata ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase)
        {
            // The media types too: a resolved route holds them, and a change to them alone would otherwise leave the
            // route (and its resolution) as it was.
            [PolicyDigestKey] = GatewaySettingsSource.Digest(configuration.GetSection($"StreamForge:StreamPolicies:{resolved.Policy.Name}"))
                + GatewaySettingsSource.Digest(configuration.GetSection("StreamForge:MediaTypes")),
            // And the cluster's destinations: YARP rebuilds no endpoint when only a cluster changes, and a storage
            // route's store (its s3:// or file: address) is resolved with the route.
            [ClusterDigestKey] = string.Join('\n', (cluster?.Destinations ?? new Dictionary<string, DestinationConfig>())
                .OrderBy(destination => destination.Key, StringComparer.Ordinal).Select(destination => $"{destination.Key}={destination.Value.Address}")),
        };
        // The policy's Upload:MaxBodySize is applied by the gateway (Proxy/RequestBodyLimit.cs), not handed to YARP as
        // the route's MaxRequestBodySize: Kestrel's limit counts chunk framing.
        var configured = route with { Metadata = metadata };
        _resolved.AddOrUpdate(configured, resolved);
        return ValueTask.FromResult(configured);
    }

    /// <summary>The resolution of a route this filter configured (YARP passes the configured route to the endpoint builder).</summary>
    public ResolvedRoute Resolved(RouteConfig route, ClusterConfig? cluster) =>
        _resolved.TryGetValue(route, out var resolved) ? resolved : Resolve(route, cluster, settings.Current);

    private ResolvedRoute Resolve(RouteConfig route, ClusterConfig? cluster, GatewaySettings current)
    {
        // Routes from IConfiguration were checked by GatewaySettingsLoader already; this catches other providers.
        var errors = new ConfigurationErrors();
        var (policy, access) = RouteMetadataReader.Read(route.RouteId, route.Metadata, current.Policies, errors);
        if (errors.All.Count > 0)
        {
            var error = new GatewayConfigurationException(errors.All);
            GatewayLog.ConfigurationRefused(logger, error.Message);
            throw error;
        }

        return new ResolvedRoute(route.RouteId, policy, access, cluster is null ? null : stores.Find(cluster), current.MediaTypes, route.ClusterId ?? string.Empty);
    }
}
