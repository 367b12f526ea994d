using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.Tests.Configuration;

public sealed class RouteMetadataReaderTests
{
    private static readonly Dictionary<string, StreamPolicy> Policies = new()
    {
        [StreamPolicy.DefaultName] = StreamPolicy.Default,
        ["video"] = StreamPolicy.Default with { Name = "video" },
    };

    [Fact]
    public void Routes_are_read_only_with_the_default_policy_unless_their_metadata_says_otherwise()
    {
        var errors = new ConfigurationErrors();

        var (policy, access) = RouteMetadataReader.Read("r", null, Policies, errors);

        Assert.Same(StreamPolicy.Default, policy);
        Assert.Equal(WriteAccess.None, access);
        Assert.Empty(errors.All);
    }

    [Fact]
    public void Named_policy_and_write_access_are_read_case_insensitively_for_the_access()
    {
        var errors = new ConfigurationErrors();
        var metadata = new Dictionary<string, string> { [RouteMetadataKeys.StreamPolicy] = "video", [RouteMetadataKeys.WriteAccess] = "loopback" };

        var (policy, access) = RouteMetadataReader.Read("r", metadata, Policies, errors);

        Assert.Equal("video", policy.Name);
        Assert.Equal(WriteAccess.Loopback, access);
        Assert.Empty(errors.All);
    }

    [Fact]
    public void An_unknown_policy_and_a_bad_access_are_both_reported_with_their_paths_never_a_silent_default()
    {
        var errors = new ConfigurationErrors();
        var metadata = new Dictionary<string, string> { [RouteMetadataKeys.StreamPolicy] = "added-later", [RouteMetadataKeys.WriteAccess] = "everyone" };

        RouteMetadataReader.Read("r1", metadata, Policies, errors);

        Assert.Equal(2, errors.All.Count);
        Assert.StartsWith("ReverseProxy:Routes:r1:Metadata:StreamPolicy: unknown stream policy 'added-later'", errors.All[0], StringComparison.Ordinal);
        Assert.StartsWith("ReverseProxy:Routes:r1:Metadata:WriteAccess: 'everyone'", errors.All[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_numeric_access_is_not_a_name()
    {
        var errors = new ConfigurationErrors();

        RouteMetadataReader.Read("r", new Dictionary<string, string> { [RouteMetadataKeys.WriteAccess] = "7" }, Policies, errors);

        Assert.Single(errors.All);
    }
}
