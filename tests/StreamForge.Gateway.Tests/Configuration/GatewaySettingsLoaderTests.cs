using Microsoft.Extensions.Configuration;
using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.Tests.Configuration;

public sealed class GatewaySettingsLoaderTests
{
    private static GatewaySettings Load(Dictionary<string, string?> values) =>
        GatewaySettingsLoader.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), "/srv/gateway");

    [Fact]
    public void Reads_named_policies_and_keeps_a_default()
    {
        var settings = Load(new()
        {
            ["StreamForge:StreamPolicies:video:Buffer:ChunkSize"] = "128KiB",
            ["StreamForge:StreamPolicies:video:Buffer:MaxBufferedBytes"] = "1MiB",
            ["StreamForge:StreamPolicies:video:Buffer:StallTimeout"] = "00:00:05",
            ["StreamForge:StreamPolicies:video:Upload:MaxBodySize"] = "2GiB",
        });

        var video = settings.Policies["video"];
        Assert.Equal(128 * 1024, video.Buffer.ChunkSize);
        Assert.Equal(1024 * 1024, video.Buffer.MaxBufferedBytes);
        Assert.Equal(TimeSpan.FromSeconds(5), video.Buffer.StallTimeout);
        Assert.Equal(2L * 1024 * 1024 * 1024, video.Upload.MaxBodySize);
        Assert.Same(StreamPolicy.Default, settings.Policies[StreamPolicy.DefaultName]);
    }

    [Fact]
    public void A_policy_without_a_chunk_size_gets_the_largest_chunk_its_ceiling_holds()
    {
        var settings = Load(new()
        {
            ["StreamForge:StreamPolicies:old:Buffer:MaxBufferedBytes"] = "256KiB",
            ["StreamForge:StreamPolicies:roomy:Buffer:MaxBufferedBytes"] = "4MiB",
        });

        Assert.Equal(192 * 1024, settings.Policies["old"].Buffer.ChunkSize);
        Assert.Equal(BufferPolicy.Default.ChunkSize, settings.Policies["roomy"].Buffer.ChunkSize);
    }

    // A misspelt key in a policy section left its stream on the default: an unthrottled route, for "BytesPerSec".
    [Theory]
    [InlineData("Throttle:BytesPerSec", "1MB")]
    [InlineData("Buffer:StalTimeout", "00:00:05")]
    [InlineData("Range:MaxRange", "2")]
    [InlineData("Upload:MaxBodySise", "1KB")]
    [InlineData("Upload:Pipe:Comand", "ffmpeg")]
    public void A_misspelt_key_in_a_policy_section_is_an_error(string key, string value)
    {
        var error = Assert.Throws<GatewayConfigurationException>(() => Load(new() { [$"StreamForge:StreamPolicies:p:{key}"] = value }));

        Assert.Contains(error.Errors, e => e.StartsWith($"StreamForge:StreamPolicies:p:{key}: unknown setting", StringComparison.Ordinal));
    }

    [Fact]
    public void Reports_every_problem_with_its_path()
    {
        var error = Assert.Throws<GatewayConfigurationException>(() => Load(new()
        {
            ["ReverseProxy:Routes:r1:ClusterId"] = "store",
            ["ReverseProxy:Routes:r1:Match:Path"] = "/videos/{id}",
            ["ReverseProxy:Routes:r1:Metadata:StreamPolicy"] = "missing",
            ["ReverseProxy:Routes:r1:Metadata:WriteAccess"] = "everyone",
            ["ReverseProxy:Routes:r2:ClusterId"] = "nowhere",
            ["ReverseProxy:Clusters:store:Destinations:a:Address"] = "s3://Bad_Bucket/",
            ["ReverseProxy:Clusters:web:Destinations:a:Address"] = "gopher://old/",
            ["StreamForge:StreamPolicies:p:Buffer:ChunkSize"] = "1MiB",
            ["StreamForge:StreamPolicies:p:Buffer:MaxBufferedBytes"] = "64KiB",
            ["StreamForge:StreamPolicies:p:Buffer:StallTimeout"] = "soon",
            ["StreamForge:StreamPolicies:p:Bufer:ChunkSize"] = "1MiB",
            ["StreamForge:StreamPolicies:q:Buffer:MaxBufferedBytes"] = "1TiB",
            ["StreamForge:S3:AccessKey"] = "only-half",
            ["StreamForge:FileStore:TempFileMaxAge"] = "00:00:10",
        }));

        var all = string.Join("\n", error.Errors);
        Assert.Contains("ReverseProxy:Routes:r1:Metadata:StreamPolicy: unknown stream policy 'missing'", all, StringComparison.Ordinal);
        Assert.Contains("ReverseProxy:Routes:r1:Metadata:WriteAccess", all, StringComparison.Ordinal);
        Assert.Contains("ReverseProxy:Routes:r1:Match:Path", all, StringComparison.Ordinal);
        Assert.Contains("ReverseProxy:Routes:r2:ClusterId: unknown cluster 'nowhere'", all, StringComparison.Ordinal);
        Assert.Contains("ReverseProxy:Clusters:store:Destinations:a:Address", all, StringComparison.Ordinal);
        Assert.Contains("ReverseProxy:Clusters:web:Destinations:a:Address", all, StringComparison.Ordinal);
        Assert.Contains("StreamForge:StreamPolicies:p:Buffer:MaxBufferedBytes", all, StringComparison.Ordinal);
        Assert.Contains("StreamForge:StreamPolicies:p:Buffer:StallTimeout", all, StringComparison.Ordinal);
        Assert.Contains("StreamForge:StreamPolicies:p:Bufer: unknown setting", all, StringComparison.Ordinal);
        Assert.Contains("StreamForge:StreamPolicies:q:Buffer:MaxBufferedBytes", all, StringComparison.Ordinal);
        Assert.Contains("StreamForge:S3: set both AccessKey and SecretKey", all, StringComparison.Ordinal);
        Assert.Contains("StreamForge:FileStore:TempFileMaxAge: 00:00:10 is outside 00:01:00..365.00:00:00", all, StringComparison.Ordinal);
        Assert.Equal(12, error.Errors.Count);
    }
}
