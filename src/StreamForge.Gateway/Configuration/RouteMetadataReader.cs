using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.Configuration;

/// <summary>
/// Reads a route's <c>StreamPolicy</c> and <c>WriteAccess</c> metadata against the defined policies: the one reading
/// behind both the start-up check (<see cref="GatewaySettingsLoader"/>) and every reload (Routing/RouteResolver.cs).
/// </summary>
internal static class RouteMetadataReader
{
    /// <summary>The route's policy and write access; every problem is added to <paramref name="errors"/>, named by its path.</summary>
    /// <remarks>A route that names no policy gets <c>default</c>; one that names no write access is read-only.</remarks>
    public static (StreamPolicy Policy, WriteAccess Access) Read(
        string routeId, IReadOnlyDictionary<string, string>? metadata, IReadOnlyDictionary<string, StreamPolicy> policies, ConfigurationErrors errors)
    {
        var path = $"ReverseProxy:Routes:{routeId}:Metadata:";
        var policyName = metadata?.GetValueOrDefault(RouteMetadataKeys.StreamPolicy) ?? StreamPolicy.DefaultName;
        if (!policies.TryGetValue(policyName, out var policy))
        {
            errors.Add(path + RouteMetadataKeys.StreamPolicy, $"unknown stream policy '{policyName}'; defined: {string.Join(", ", policies.Keys.Order())}");
            policy = StreamPolicy.Default;
        }

        var access = WriteAccess.None;
        var accessText = metadata?.GetValueOrDefault(RouteMetadataKeys.WriteAccess);
        if (accessText is not null && (!Enum.TryParse(accessText, ignoreCase: true, out access) || !Enum.IsDefined(access)))
        {
            errors.Add(path + RouteMetadataKeys.WriteAccess, $"'{accessText}' is not one of {string.Join(", ", Enum.GetNames<WriteAccess>())}");
            access = WriteAccess.None;
        }

        return (policy, access);
    }
}
