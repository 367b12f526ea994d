using System.Diagnostics;
using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.FunctionalTests.Infrastructure;
using StreamForge.Gateway.Hosting;

namespace StreamForge.Gateway.FunctionalTests.Hosting;

/// <summary>Bad configuration stops start-up with every problem listed, naming where each one is.</summary>
public sealed class ConfigurationFailureTests
{
    private static readonly Dictionary<string, string> BadSettings = new()
    {
        ["ReverseProxy__Routes__videos__ClusterId"] = "media",
        ["ReverseProxy__Routes__videos__Match__Path"] = "/videos/{**key}",
        ["ReverseProxy__Routes__videos__Metadata__StreamPolicy"] = "no-such-policy",
        ["ReverseProxy__Clusters__media__Destinations__d1__Address"] = "ftp://example/videos/",
        ["StreamForge__StreamPolicies__video__Buffer__ChunkSize"] = "sixty-four kilobytes",
    };

    [Fact]
    public void Building_the_gateway_lists_every_problem_at_once()
    {
        using var root = new TempFolder("badconfig");
        var config = new GatewayConfig();
        foreach (var (key, value) in BadSettings)
        {
            config.Set(key.Replace("__", ":", StringComparison.Ordinal), value);
        }

        var error = Assert.Throws<GatewayConfigurationException>(() => GatewayApplication.Build(
            new Microsoft.AspNetCore.Builder.WebApplicationOptions { ContentRootPath = root.Path },
            builder => Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(builder.Configuration, config.Build())));

        Assert.Equal(3, error.Errors.Count);
        Assert.Contains(error.Errors, e => e.Contains("ReverseProxy:Routes:videos:Metadata:StreamPolicy", StringComparison.Ordinal) && e.Contains("no-such-policy", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("ReverseProxy:Clusters:media:Destinations:d1:Address", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("StreamForge:StreamPolicies:video:Buffer:ChunkSize", StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_only_YARP_knows_about_are_listed_the_same_way()
    {
        using var root = new TempFolder("badconfig-yarp");
        var config = new GatewayConfig()
            .Cluster("origin", "http://127.0.0.1:9/")
            .Route("bad", "/{**rest}/tail", "origin")
            .Set("ReverseProxy:Clusters:origin:LoadBalancingPolicy", "NoSuchBalancer");

        var error = Assert.Throws<GatewayConfigurationException>(() => GatewayApplication.Build(
            new Microsoft.AspNetCore.Builder.WebApplicationOptions { ContentRootPath = root.Path },
            builder => Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(builder.Configuration, config.Build())));

        Assert.Contains(error.Errors, e => e.StartsWith("ReverseProxy:Routes:bad:", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("ReverseProxy:Clusters:origin:", StringComparison.Ordinal) && e.Contains("NoSuchBalancer", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cluster_header_encoding_that_would_decode_field_bytes_twice_is_refused()
    {
        using var root = new TempFolder("badconfig-encoding");
        var config = new GatewayConfig()
            .Cluster("origin", "http://127.0.0.1:9/")
            .Route("all", "/{**rest}", "origin")
            .Set("ReverseProxy:Clusters:origin:HttpClient:RequestHeaderEncoding", "utf-8")
            .Set("ReverseProxy:Clusters:origin:HttpClient:ResponseHeaderEncoding", "latin1");

        var error = Assert.Throws<GatewayConfigurationException>(() => GatewayApplication.Build(
            new Microsoft.AspNetCore.Builder.WebApplicationOptions { ContentRootPath = root.Path },
            builder => Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(builder.Configuration, config.Build())));

        // Latin-1, what the gateway uses both ways anyway, is accepted.
        Assert.StartsWith("ReverseProxy:Clusters:origin:HttpClient:RequestHeaderEncoding: 'utf-8'", Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gateway_process_exits_non_zero_with_a_readable_message()
    {
        using var workingDirectory = new TempFolder("badconfig-process");
        var gatewayDll = typeof(GatewayApplication).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [gatewayDll])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = workingDirectory.Path,
        };
        foreach (var (key, value) in BadSettings)
        {
            start.Environment[key] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, process.ExitCode);
        var message = await stderr;
        Assert.Contains("3 problems", message, StringComparison.Ordinal);
        Assert.Contains("no-such-policy", message, StringComparison.Ordinal);
        Assert.Contains("ftp://example/videos/", message, StringComparison.Ordinal);
        Assert.Contains("sixty-four kilobytes", message, StringComparison.Ordinal);
        _ = await stdout;
    }
}
