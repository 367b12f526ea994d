using Microsoft.Extensions.Configuration;
using StreamForge.Gateway.Configuration;

namespace StreamForge.Gateway.Tests.Configuration;

/// <summary>Every example under config/ is a valid configuration: the reference never shows what the gateway refuses.</summary>
public sealed class ConfigExamplesTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "config"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Each_example_loads_and_validates(string name)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryRoot.Path, "config", name), optional: false, reloadOnChange: false)
            .Build();

        var settings = GatewaySettingsLoader.Load(configuration, Path.GetTempPath());

        Assert.Contains(StreamPolicy.DefaultName, settings.Policies.Keys);
    }

    [Fact]
    public void The_embedded_default_loads_and_validates()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryRoot.Path, "src", "StreamForge.Gateway", "appsettings.json"), optional: false, reloadOnChange: false)
            .Build();

        var settings = GatewaySettingsLoader.Load(configuration, Path.GetTempPath());

        Assert.True(settings.Policies.Count > 1);
    }
}
