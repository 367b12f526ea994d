using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.Routing;

/// <summary>Reads a route's <c>StreamPolicy</c> and <c>WriteAccess</c> metadata against the defined policies.</summary>
internal static class RouteMetadataReader
{
    /// <summary>The route's policy and write access; every problem is added to <paramref name="problems"/>, named by its path.</summary>
    /// <remarks>A route that names no policy gets <c>default</c>; one that names no write access is read-only.</remarks>
    public static (StreamPolicy Policy, WriteAccess Access) Read(
        string routeId, IReadOnlyDictionary<string, string>? metadata, IReadOnlyDictionary<string, StreamPolicy> policies, List<string> problems)
    {
        var policyName = metadata?.GetValueOrDefault(RouteMetadataKeys.StreamPolicy) ?? StreamPolicy.DefaultName;
        if (!policies.TryGetValue(policyName, out var policy))
        {
            problems.Add($"ReverseProxy:Routes:{routeId}:Metadata:{RouteMetadataKeys.StreamPolicy}: unknown stream policy '{policyName}'; defined: {string.Join(", ", policies.Keys.Order())}");
            policy = StreamPolicy.Default;
        }

        var access = WriteAccess.None;
        var accessText = metadata?.GetValueOrDefault(RouteMetadataKeys.WriteAccess);
        if (accessText is not null && (!Enum.TryParse(accessText, ignoreCase: true, out access) || !Enum.IsDefined(access)))
        {
            problems.Add($"ReverseProxy:Routes:{routeId}:Metadata:{RouteMetadataKeys.WriteAccess}: '{accessText}' is not one of {string.Join(", ", Enum.GetNames<WriteAccess>())}");
            access = WriteAccess.None;
        }

        return (policy, access);
    }
}
