using System.Globalization;
using System.Text.RegularExpressions;

namespace StreamForge.Bench.Options;

/// <summary>
/// Sizes and rates as people write them: "1GiB", "256 MiB" (powers of 1024), "64KB", "1MB" (powers of 1000),
/// the same convention as the gateway's configuration (config/README.md).
/// </summary>
internal static partial class ByteSizeText
{
    public static long Parse(string text)
    {
        var match = SizePattern().Match(text);
        if (!match.Success)
        {
            throw new FormatException($"'{text}' is not a size (examples: 1GiB, 256MiB, 64KB, 1048576)");
        }

        var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var unit = match.Groups[2].Value.ToUpperInvariant();
        double factor = unit switch
        {
            "" or "B" => 1,
            "KB" => 1e3,
            "MB" => 1e6,
            "GB" => 1e9,
            "TB" => 1e12,
            "KIB" => 1L << 10,
            "MIB" => 1L << 20,
            "GIB" => 1L << 30,
            "TIB" => 1L << 40,
            _ => throw new FormatException($"unknown unit in '{text}'"),
        };
        return checked((long)Math.Round(number * factor));
    }

    /// <summary>"1 GiB", "100 KiB", "64 KB": binary when exact, else decimal.</summary>
    public static string Format(long bytes)
    {
        string[] binary = ["B", "KiB", "MiB", "GiB", "TiB"];
        for (var i = binary.Length - 1; i > 0; i--)
        {
            var unit = 1L << (10 * i);
            if (bytes >= unit && bytes % unit == 0)
            {
                return $"{bytes / unit} {binary[i]}";
            }
        }

        string[] decimalUnits = ["B", "KB", "MB", "GB", "TB"];
        for (var i = decimalUnits.Length - 1; i > 0; i--)
        {
            var unit = Math.Pow(1000, i);
            if (bytes >= unit)
            {
                return $"{(bytes / unit).ToString("0.##", CultureInfo.InvariantCulture)} {decimalUnits[i]}";
            }
        }

        return $"{bytes} B";
    }

    /// <summary>A rate such as 1000000 as "1 MB/s" (rates are decimal, as network rates are).</summary>
    public static string FormatRate(double bytesPerSecond)
    {
        string[] units = ["B/s", "KB/s", "MB/s", "GB/s"];
        var i = 0;
        while (i < units.Length - 1 && bytesPerSecond >= 1000)
        {
            bytesPerSecond /= 1000;
            i++;
        }

        return $"{bytesPerSecond.ToString(bytesPerSecond >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture)} {units[i]}";
    }

    [GeneratedRegex(@"^\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]i?B|B)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex SizePattern();
}
