using System.Globalization;

namespace StreamForge.Gateway.Configuration;

/// <summary>
/// A byte count written the way people write it in configuration: "64KiB", "2MB", "8 MiB", "1024".
/// Decimal units (KB, MB, GB, TB) are powers of 1000 and binary units (KiB, MiB, GiB, TiB) powers of 1024,
/// as in IEC 80000-13, so "2MB" of bandwidth means what a network engineer expects.
/// </summary>
internal readonly record struct ByteSize(long Bytes)
{
    private static readonly (string Suffix, long Multiplier)[] Units =
    [
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40),
        ("KB", 1_000L), ("MB", 1_000_000L), ("GB", 1_000_000_000L), ("TB", 1_000_000_000_000L),
        ("B", 1L),
    ];

    public static bool TryParse(string? text, out ByteSize size)
    {
        size = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        long multiplier = 1;
        foreach (var (suffix, unit) in Units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                multiplier = unit;
                trimmed = trimmed[..^suffix.Length].TrimEnd();
                break;
            }
        }

        if (!decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var bytes = number * multiplier;
        if (bytes < 0 || bytes > long.MaxValue || bytes != decimal.Truncate(bytes))
        {
            return false;
        }

        size = new ByteSize((long)bytes);
        return true;
    }

    public override string ToString() => Bytes switch
    {
        >= 1L << 30 when Bytes % (1L << 30) == 0 => $"{Bytes >> 30}GiB",
        >= 1L << 20 when Bytes % (1L << 20) == 0 => $"{Bytes >> 20}MiB",
        >= 1L << 10 when Bytes % (1L << 10) == 0 => $"{Bytes >> 10}KiB",
        _ => $"{Bytes}B",
    };
}
