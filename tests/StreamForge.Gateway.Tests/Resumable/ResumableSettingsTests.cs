using Microsoft.Extensions.Configuration;
using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Resumable;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Tests.Resumable;

public sealed class ResumableSettingsTests
{
    private static GatewaySettings Load(Dictionary<string, string?> values) =>
        GatewaySettingsLoader.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), "/srv/gateway");

    [Fact]
    public void Resumable_uploads_are_off_unless_a_policy_enables_them()
    {
        var settings = Load(new()
        {
            ["StreamForge:StreamPolicies:tus:Resumable:Enabled"] = "true",
            ["StreamForge:StreamPolicies:tus:Resumable:MaxSize"] = "10GiB",
            ["StreamForge:StreamPolicies:tus:Resumable:Expiration"] = "02:00:00",
            ["StreamForge:StreamPolicies:tus:Resumable:KeyFromFilename"] = "true",
        });

        Assert.False(settings.Policies[StreamPolicy.DefaultName].Resumable.Enabled);
        Assert.Equal(new ResumablePolicy(true, 10L << 30, TimeSpan.FromHours(2), true), settings.Policies["tus"].Resumable);
        Assert.Equal(TimeSpan.FromHours(24), ResumablePolicy.Disabled.Expiration);
    }

    [Fact]
    public void Unknown_keys_and_bad_values_are_refused_with_their_paths()
    {
        var error = Assert.Throws<GatewayConfigurationException>(() => Load(new()
        {
            ["StreamForge:StreamPolicies:tus:Resumable:Enable"] = "true",
            ["StreamForge:StreamPolicies:tus:Resumable:Expiration"] = "00:00:00.5",
            ["StreamForge:StreamPolicies:tus:Resumable:MaxSize"] = "lots",
            ["StreamForge:StreamPolicies:piped:Resumable:Enabled"] = "true",
            ["StreamForge:StreamPolicies:piped:Upload:Pipe:Command"] = "ffmpeg",
            ["StreamForge:StreamPolicies:piped:Upload:Pipe:Input"] = "Stdin",
        }));

        var all = string.Join("\n", error.Errors);
        Assert.Contains("StreamForge:StreamPolicies:tus:Resumable:Enable", all, StringComparison.Ordinal);
        Assert.Contains("StreamForge:StreamPolicies:tus:Resumable:Expiration", all, StringComparison.Ordinal);
        Assert.Contains("StreamForge:StreamPolicies:tus:Resumable:MaxSize", all, StringComparison.Ordinal);
        Assert.Contains("StreamForge:StreamPolicies:piped:Resumable:Enabled: resumable uploads cannot go through Upload:Pipe", all, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new double[0], 60)]
    [InlineData(new double[] { 86400 }, 60)]
    [InlineData(new double[] { 86400, 120 }, 30)]
    [InlineData(new double[] { 2 }, 1)]
    public void The_sweep_runs_four_times_per_shortest_expiration_between_a_second_and_a_minute(double[] expirationSeconds, double periodSeconds)
    {
        var settings = ResumableSweepSettings.For(expirationSeconds.Select(TimeSpan.FromSeconds));

        Assert.Equal(TimeSpan.FromSeconds(periodSeconds), settings.Period);
    }

    [Theory]
    [InlineData(".streamforge-tus", true)]
    [InlineData(".streamforge-tus/0123", true)]
    [InlineData(".streamforge-tusx/a", false)]
    [InlineData("videos/.streamforge-tus/a", false)]
    [InlineData(null, false)]
    public void The_reserved_folder_is_recognised_only_at_the_start_of_a_key(string? key, bool reserved) =>
        Assert.Equal(reserved, ResumableNames.IsReserved(key));

    [Fact]
    public void Cors_defaults_let_a_browser_uploader_speak_tus()
    {
        foreach (var header in new[] { "Tus-Resumable", "Upload-Offset", "Upload-Length", "Upload-Metadata", "Upload-Defer-Length", "Upload-Checksum" })
        {
            Assert.Contains(header, CorsPolicyReader.DefaultAllowedHeaders);
        }

        foreach (var header in new[] { "Location", "Upload-Offset", "Upload-Expires", "Tus-Version", "Tus-Extension", "Tus-Max-Size", "Tus-Checksum-Algorithm" })
        {
            Assert.Contains(header, CorsPolicyReader.DefaultExposedHeaders);
        }

        Assert.Contains("PATCH", CorsPolicyReader.DefaultAllowedMethods);
        Assert.Contains("DELETE", CorsPolicyReader.DefaultAllowedMethods);
    }
}
