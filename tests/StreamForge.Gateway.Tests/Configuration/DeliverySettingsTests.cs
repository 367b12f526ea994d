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
    public void Origins_are_kept_as_browsers_send_them_without_the_default_port()
    {
        var settings = GatewaySettingsLoader.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StreamForge:Cors:players:AllowedOrigins:0"] = "https://player.example.com:443",
            ["StreamForge:Cors:players:AllowedOrigins:1"] = "http://Player.Example.com:80",
            ["StreamForge:Cors:players:AllowedOrigins:2"] = "http://player.example.com:8080",
        }).Build(), "/srv/gateway");

        Assert.Equal(["https://player.example.com", "http://player.example.com", "http://player.example.com:8080"], settings.CorsPolicies["players"].Origins);
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

    [Fact]
    public void The_access_log_and_admin_settings_are_read_with_their_defaults()
    {
        var defaults = GatewaySettingsLoader.Load(new ConfigurationBuilder().Build(), "/srv/gateway");
        Assert.Equal(StreamForge.Gateway.Diagnostics.AccessLogSettings.Default, defaults.AccessLog);
        Assert.True(defaults.AccessLog.Enabled);
        Assert.Equal("logs", defaults.AccessLog.Directory);
        Assert.False(defaults.Admin.AllowAuthenticated);

        var settings = GatewaySettingsLoader.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StreamForge:AccessLog:Enabled"] = "false",
            ["StreamForge:AccessLog:Directory"] = "/var/log/streamforge",
            ["StreamForge:AccessLog:MaxFileSize"] = "10MiB",
            ["StreamForge:AccessLog:RetainedFiles"] = "7",
            ["StreamForge:Admin:AllowAuthenticated"] = "true",
        }).Build(), "/srv/gateway");
        Assert.Equal(new StreamForge.Gateway.Diagnostics.AccessLogSettings(false, "/var/log/streamforge", 10L << 20, 7, 16_384), settings.AccessLog);
        Assert.True(settings.Admin.AllowAuthenticated);
    }

    [Fact]
    public void The_metric_cardinality_limit_defaults_to_500_and_is_bounded()
    {
        Assert.Equal(500, GatewaySettingsLoader.Load(new ConfigurationBuilder().Build(), "/srv/gateway").Metrics.CardinalityLimit);
        var settings = GatewaySettingsLoader.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StreamForge:Metrics:CardinalityLimit"] = "4000",
        }).Build(), "/srv/gateway");
        Assert.Equal(4000, settings.Metrics.CardinalityLimit);

        var error = Problems(new() { ["StreamForge:Metrics:CardinalityLimit"] = "2", ["StreamForge:Metrics:Limit"] = "100" });
        Assert.NotNull(error);
        var all = string.Join("\n", error.Errors);
        Assert.Contains("StreamForge:Metrics:CardinalityLimit", all, StringComparison.Ordinal);
        Assert.Contains("StreamForge:Metrics:Limit: unknown setting", all, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mistyped_access_log_setting_is_reported()
    {
        var error = Problems(new() { ["StreamForge:AccessLog:Enable"] = "false", ["StreamForge:AccessLog:RetainedFiles"] = "0" });

        Assert.NotNull(error);
        var all = string.Join("\n", error.Errors);
        Assert.Contains("StreamForge:AccessLog:Enable: unknown setting", all, StringComparison.Ordinal);
        Assert.Contains("StreamForge:AccessLog:RetainedFiles", all, StringComparison.Ordinal);
    }
}
