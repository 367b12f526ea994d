using System.Globalization;

namespace StreamForge.Gateway.Ranges;

/// <summary>
/// HTTP-date (RFC 9110 section 5.6.7). Recipients must accept all three formats: IMF-fixdate
/// (<c>Sun, 06 Nov 1994 08:49:37 GMT</c>) and the obsolete rfc850-date (<c>Sunday, 06-Nov-94 08:49:37 GMT</c>)
/// and asctime-date (<c>Sun Nov  6 08:49:37 1994</c>). All are UTC with one-second resolution.
/// </summary>
internal static class HttpDate
{
    /// <summary>IMF-fixdate after its day-name, and the format a sender generates (with it).</summary>
    private const string ImfFixdate = "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'";
    private const string ImfAfterDayName = "dd MMM yyyy HH':'mm':'ss 'GMT'";
    private const string Rfc850AfterDayName = "dd'-'MMM'-'yy HH':'mm':'ss 'GMT'";
    private const string AsctimeAfterDayName = "MMM d HH':'mm':'ss yyyy";

    private static readonly string[] DayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    private static readonly string[] LongDayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    /// <summary>
    /// Parses an HTTP-date. Anything else (another format, a list of dates, a time zone other than GMT) is not
    /// a valid HTTP-date, which the conditional header fields treat as absent (RFC 9110 sections 13.1.3, 13.1.4).
    /// The day-name must be one of the grammar's, but it is not checked against the date: the grammar does not tie
    /// them, and a cache that refused <c>Thu Aug  8 02:01:18 2050</c> (a Monday) as an Expires treated a response
    /// meant to be fresh for years as already expired (nginx reads such dates too).
    /// </summary>
    public static bool TryParse(string? value, out DateTimeOffset date) =>
        TryParse(value, DateTimeOffset.UtcNow.Year, out date);

    /// <summary>As <see cref="TryParse(string?, out DateTimeOffset)"/>, with the current year for rfc850 dates given.</summary>
    public static bool TryParse(string? value, int currentYear, out DateTimeOffset date)
    {
        date = default;
        if (value is null)
        {
            return false;
        }

        var text = HttpSyntax.TrimOws(value);
        const DateTimeStyles utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (text.Length > 5 && text[3] == ',' && text[4] == ' ' && IsOneOf(text[..3], DayNames))
        {
            return DateTimeOffset.TryParseExact(text[5..], ImfAfterDayName, CultureInfo.InvariantCulture, utc, out date);
        }

        // asctime-date pads a one-digit day with a space ("Nov  6"), hence AllowInnerWhite.
        if (text.Length > 4 && text[3] == ' ' && IsOneOf(text[..3], DayNames))
        {
            return DateTimeOffset.TryParseExact(text[4..], AsctimeAfterDayName, CultureInfo.InvariantCulture, utc | DateTimeStyles.AllowInnerWhite, out date);
        }

        var comma = text.IndexOf(", ", StringComparison.Ordinal);
        return comma > 0 && IsOneOf(text[..comma], LongDayNames)
            && DateTimeOffset.TryParseExact(text[(comma + 2)..], Rfc850AfterDayName, Rfc850Culture(currentYear), utc, out date);
    }

    private static bool IsOneOf(ReadOnlySpan<char> name, string[] names)
    {
        foreach (var candidate in names)
        {
            if (name.SequenceEqual(candidate))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>IMF-fixdate, the only format a sender may generate (RFC 9110 section 5.6.7).</summary>
    public static string Format(DateTimeOffset date) =>
        TruncateToSeconds(date).ToString(ImfFixdate, CultureInfo.InvariantCulture);

    /// <summary>
    /// Drops sub-second precision. HTTP-dates have one-second resolution, so a Last-Modified of 12:00:00.7 is sent
    /// as 12:00:00 and must compare equal to the date a client echoes back.
    /// </summary>
    public static DateTimeOffset TruncateToSeconds(DateTimeOffset date)
    {
        var utc = date.UtcDateTime;
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    /// <summary>
    /// RFC 9110 section 5.6.7: a two-digit year that "appears to be more than 50 years in the future" means the
    /// most recent past year with those digits. The invariant calendar pivots at a fixed 2049 instead, so the
    /// obsolete rfc850 format is parsed with a calendar whose pivot is 50 years from now. Only this rare format
    /// depends on the clock.
    /// </summary>
    private static CultureInfo Rfc850Culture(int currentYear)
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.DateTimeFormat.Calendar.TwoDigitYearMax = currentYear + 50;
        return culture;
    }
}
