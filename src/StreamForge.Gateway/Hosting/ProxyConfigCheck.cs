using StreamForge.Gateway.Configuration;
using Yarp.ReverseProxy.Configuration;

namespace StreamForge.Gateway.Hosting;

/// <summary>
/// Runs YARP's own validation (route match syntax, policy names, cluster settings) on the configuration the app
/// was built with, so that its problems stop start-up as a <see cref="GatewayConfigurationException"/> listing each
/// with its path, like the gateway's own, instead of surfacing later as an exception to recognise by its text.
/// </summary>
internal static class ProxyConfigCheck
{
    public static void ThrowIfInvalid(IServiceProvider services)
    {
        var validator = services.GetRequiredService<IConfigValidator>();
        var problems = new List<string>();
        foreach (var config in services.GetServices<IProxyConfigProvider>().Select(provider => provider.GetConfig()))
        {
            foreach (var route in config.Routes)
            {
                // Validation is synchronous work behind a ValueTask; start-up may wait for it.
                var errors = validator.ValidateRouteAsync(route).AsTask().GetAwaiter().GetResult();
                problems.AddRange(errors.Select(error => $"ReverseProxy:Routes:{route.RouteId}: {error.Message}"));
            }

            foreach (var cluster in config.Clusters)
            {
                var errors = validator.ValidateClusterAsync(cluster).AsTask().GetAwaiter().GetResult();
                problems.AddRange(errors.Select(error => $"ReverseProxy:Clusters:{cluster.ClusterId}: {error.Message}"));
            }
        }

        if (problems.Count > 0)
        {
            throw new GatewayConfigurationException(problems);
        }
    }
}
