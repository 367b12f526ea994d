using System.Text;
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
                problems.AddRange(HeaderEncodingProblems(cluster));
            }
        }

        if (problems.Count > 0)
        {
            throw new GatewayConfigurationException(problems);
        }
    }

    /// <summary>
    /// Kestrel reads and writes field values as Latin-1 and the origin clients do the same (OriginHttpClientFactory.cs),
    /// so bytes pass unchanged; another encoding would decode them twice (UTF-8 sent as UTF-8 of its Latin-1 reading).
    /// </summary>
    private static IEnumerable<string> HeaderEncodingProblems(ClusterConfig cluster)
    {
        var settings = new[] { ("RequestHeaderEncoding", cluster.HttpClient?.RequestHeaderEncoding), ("ResponseHeaderEncoding", cluster.HttpClient?.ResponseHeaderEncoding) };
        foreach (var (name, value) in settings)
        {
            if (!string.IsNullOrEmpty(value) && !IsLatin1(value))
            {
                yield return $"ReverseProxy:Clusters:{cluster.ClusterId}:HttpClient:{name}: '{value}' is not supported; the gateway passes field values byte for byte (Latin-1 both ways), leave it unset";
            }
        }
    }

    private static bool IsLatin1(string name)
    {
        try
        {
            return Encoding.GetEncoding(name).CodePage == Encoding.Latin1.CodePage;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
