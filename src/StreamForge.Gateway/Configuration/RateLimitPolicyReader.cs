using StreamForge.Gateway.RateLimiting;
using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.Configuration;

/// <summary>Reads <c>StreamForge:RateLimits</c>, recording every problem instead of stopping at the first.</summary>
internal static class RateLimitPolicyReader
{
    private static readonly string[] KnownKeys =
    [
        "Kind", "PermitLimit", "TokenLimit", "Window", "ReplenishmentPeriod", "SegmentsPerWindow", "TokensPerPeriod",
        "MaxConcurrentStreams", "PartitionBy", "Distributed", "RedisUnavailable",
    ];

    public static Dictionary<string, RateLimitPolicySettings> ReadAll(IConfigurationSection section, ConfigurationErrors errors) =>
        errors.ReadNamed(section, Read);

    private static RateLimitPolicySettings Read(IConfigurationSection section, ConfigurationErrors errors)
    {
        errors.RejectUnknownKeys(section, KnownKeys);

        var reader = new ConfigurationReader(errors);
        if (section["Kind"] is null)
        {
            errors.Add(ConfigurationReader.PathOf(section, "Kind"), $"required: one of {string.Join(", ", Enum.GetNames<RateLimitKind>())}");
        }

        var kind = reader.Enumeration(section, "Kind", RateLimitKind.FixedWindow);
        var limitKey = kind == RateLimitKind.TokenBucket ? "TokenLimit" : "PermitLimit";
        if (section[limitKey] is null)
        {
            errors.Add(ConfigurationReader.PathOf(section, limitKey), $"required for a {kind} policy");
        }

        var limit = reader.Integer(section, limitKey, 1, 1, 1_000_000);
        var windowKey = kind == RateLimitKind.TokenBucket ? "ReplenishmentPeriod" : "Window";
        var window = reader.Duration(section, windowKey, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
        var partition = ClientKeyResolver.Parse(section["PartitionBy"]);
        if (partition is null)
        {
            errors.Add(ConfigurationReader.PathOf(section, "PartitionBy"), $"'{section["PartitionBy"]}' is neither RemoteAddress nor Header:<name>");
        }

        return new RateLimitPolicySettings(
            section.Key,
            kind,
            limit,
            window,
            reader.Integer(section, "SegmentsPerWindow", 4, 1, 1000),
            reader.Integer(section, "TokensPerPeriod", limit, 1, 1_000_000),
            section["MaxConcurrentStreams"] is null ? null : reader.Integer(section, "MaxConcurrentStreams", 4, 1, 100_000),
            partition ?? ClientKeyResolver.ByRemoteAddress,
            reader.Boolean(section, "Distributed", false),
            reader.Enumeration(section, "RedisUnavailable", RedisOutageMode.FailOpen));
    }
}
