using System.Globalization;

namespace StreamForge.Bench.Options;

/// <summary>Durations on the command line: "20s", "500ms", "2m", or plain seconds ("1.5").</summary>
internal static class DurationText
{
    public static TimeSpan Parse(string text)
    {
        var trimmed = text.Trim().ToLowerInvariant();
        (string number, double seconds) = trimmed switch
        {
            _ when trimmed.EndsWith("ms", StringComparison.Ordinal) => (trimmed[..^2], 0.001),
            _ when trimmed.EndsWith('s') => (trimmed[..^1], 1),
            _ when trimmed.EndsWith('m') => (trimmed[..^1], 60),
            _ => (trimmed, 1),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw new FormatException($"'{text}' is not a duration (examples: 20s, 500ms, 2m)");
        }

        return TimeSpan.FromSeconds(value * seconds);
    }

    public static string Format(TimeSpan duration) =>
        duration.TotalSeconds >= 1
            ? $"{duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s"
            : $"{duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";
}
