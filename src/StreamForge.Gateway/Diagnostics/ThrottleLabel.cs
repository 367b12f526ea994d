using System.Globalization;
using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>A throttle policy in a few words for the access log and the status page: "stream 2MiB/s, client 8MiB/s".</summary>
internal static class ThrottleLabel
{
    public static string? Of(ThrottlePolicy policy)
    {
        if (policy.IsUnlimited)
        {
            return null;
        }

        var parts = new List<string>(3);
        Add(parts, "stream", policy.BytesPerSecond);
        Add(parts, "client", policy.PerClientBytesPerSecond);
        Add(parts, "route", policy.PerRouteBytesPerSecond);
        return string.Join(", ", parts);
    }

    private static void Add(List<string> parts, string scope, long? bytesPerSecond)
    {
        if (bytesPerSecond is { } rate)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{scope} {Rate(rate)}"));
        }
    }

    private static string Rate(long bytesPerSecond) => bytesPerSecond switch
    {
        >= 1L << 20 when bytesPerSecond % (1L << 10) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond / (double)(1L << 20):0.##}MiB/s"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond / (double)(1L << 10):0.##}KiB/s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond}B/s"),
    };
}
