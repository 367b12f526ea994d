using Microsoft.Extensions.Configuration;
using StreamForge.Gateway.Configuration;

namespace StreamForge.Gateway.Tests.Configuration;

public sealed class DeliverySettingsTests
{
    private static GatewayConfigurationException? Problems(Dictionary<string, string?> values)
    {
        try
        {
            GatewaySettingsLoader.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), "/srv/gateway");
            return null;
        }
        catch (GatewayConfigurationException ex)
        {
            return ex;
        }
    }

    [Fact]
    public void A_policy_gets_the_player_defaults()
    {
        var settings = GatewaySettingsLoader.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StreamForge:Cors:players:AllowedOrigins:0"] = "https://player.example.com",
        }).Build(), "/srv/gateway");

        var policy = settings.CorsPolicies["players"];
        Assert.Equal(["https://player.example.com"], policy.Origins);
        Assert.Contains("Content-Range", policy.ExposedHeaders);
        Assert.Contains("Range", policy.Headers);
        Assert.Contains("PUT", policy.Methods);
        Assert.False(policy.SupportsCredentials);
    }

    [Fact]
    public void Every_problem_is_reported_with_its_path()
    {
        var error = Problems(new()
        {
            ["ReverseProxy:Routes:r:ClusterId"] = "c",
            ["ReverseProxy:Routes:r:Match:Path"] = "/{**rest}",
            ["ReverseProxy:Routes:r:CorsPolicy"] = "missing",
            ["ReverseProxy:Clusters:c:Destinations:d:Address"] = "http://127.0.0.1:1/",
            ["StreamForge:Cors:wild:AllowedOrigins:0"] = "*",
            ["StreamForge:Cors:wild:AllowCredentials"] = "true",
            ["StreamForge:Cors:paths:AllowedOrigins:0"] = "https://player.example.com/videos",
            ["StreamForge:Cors:empty:MaxAge"] = "00:10:00",
        });

        Assert.NotNull(error);
        var all = string.Join("\n", error.Errors);
        Assert.Contains("ReverseProxy:Routes:r:CorsPolicy: unknown CORS policy 'missing'", all, StringComparison.Ordinal);
        Assert.Contains("StreamForge:Cors:wild:AllowCredentials", all, StringComparison.Ordinal);
        Assert.Contains("StreamForge:Cors:paths:AllowedOrigins", all, StringComparison.Ordinal);
        Assert.Contains("StreamForge:Cors:empty:AllowedOrigins: required", all, StringComparison.Ordinal);
        Assert.Equal(4, error.Errors.Count);
    }

    [Fact]
    public void Response_transforms_on_a_storage_route_are_refused_not_ignored()
    {
        var error = Problems(new()
        {
            ["ReverseProxy:Routes:r:ClusterId"] = "files",
            ["ReverseProxy:Routes:r:Match:Path"] = "/media/{**key}",
            ["ReverseProxy:Routes:r:Transforms:0:ResponseHeader"] = "Cache-Control",
            ["ReverseProxy:Routes:r:Transforms:0:Set"] = "no-store",
            ["ReverseProxy:Clusters:files:Destinations:d:Address"] = "file:///srv/media/",
        });

        Assert.NotNull(error);
        Assert.StartsWith("ReverseProxy:Routes:r:Transforms:0: response transforms do not apply to storage routes", Assert.Single(error.Errors), StringComparison.Ordinal);
    }
}
