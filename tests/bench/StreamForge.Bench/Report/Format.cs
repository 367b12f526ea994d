using System.Globalization;

namespace StreamForge.Bench.Report;

/// <summary>How figures read in the report: fixed decimals, "n/a" for what was not measured.</summary>
internal static class Format
{
    public const string Missing = "n/a";

    public static string Number(double value, string format = "0.00") =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : Missing;

    public static string Ratio(double value, double reference) =>
        double.IsFinite(value) && double.IsFinite(reference) && reference > 0
            ? (value / reference).ToString("0.00", CultureInfo.InvariantCulture) + "x"
            : Missing;

    public static string Megabytes(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>A target check next to a figure: informative, never asserted.</summary>
    public static string Check(bool? met) => met switch
    {
        true => "met",
        false => "**missed**",
        null => Missing,
    };
}
