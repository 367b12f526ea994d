using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Tests.Ranges;

// RFC 9110 section 5.6.7: HTTP-date, the three formats a recipient must accept.
public sealed class HttpDateTests
{
    private static readonly DateTimeOffset RfcExample = new(1994, 11, 6, 8, 49, 37, TimeSpan.Zero);

    [Theory]
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT")]
    [InlineData("Sunday, 06-Nov-94 08:49:37 GMT")]
    [InlineData("Sun Nov  6 08:49:37 1994")]
    [InlineData(" Sun, 06 Nov 1994 08:49:37 GMT\t")]
    public void Parses_the_three_formats(string text)
    {
        Assert.True(HttpDate.TryParse(text, out var date));
        Assert.Equal(RfcExample, date);
        Assert.Equal(TimeSpan.Zero, date.Offset);
    }

    [Theory]
    [InlineData("Mon, 06 Nov 1994 08:49:37 GMT")]
    [InlineData("Monday, 06-Nov-94 08:49:37 GMT")]
    [InlineData("Mon Nov  6 08:49:37 1994")]
    public void A_day_name_that_does_not_match_the_date_is_not_checked(string text)
    {
        // The grammar does not tie the day-name to the date (nginx ignores it too); the cache-tests suite's asctime
        // Expires, "Thu Aug  8 02:01:18 2050", is a Monday.
        Assert.True(HttpDate.TryParse(text, out var date));
        Assert.Equal(RfcExample, date);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("Sun, 06 Nov 1994 08:49:37 PST")]
    [InlineData("Sun, 06 Nov 1994 08:49:37 +0000")]
    [InlineData("Sun, 06 Nov 1994 08:49:37")]
    [InlineData("Sun, 06 Nov 1994")]
    [InlineData("1994-11-06T08:49:37Z")]
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT")]
    [InlineData("Sun, 31 Nov 1994 08:49:37 GMT")]
    [InlineData("Xyz, 06 Nov 1994 08:49:37 GMT")]
    [InlineData("Sonntag, 06-Nov-94 08:49:37 GMT")]
    [InlineData("SUN Nov  6 08:49:37 1994")]
    [InlineData("Sun, 6 Nov 1994 08:49:37 GMT")]
    [InlineData("Sun, 06 Nov 1994 25:49:37 GMT")]
    [InlineData("784111777")]
    public void Rejects_what_is_not_an_http_date(string? text)
    {
        Assert.False(HttpDate.TryParse(text, out _));
    }

    // Section 5.6.7: a two-digit year more than 50 years in the future is the most recent such year in the past.
    [Theory]
    [InlineData("Wednesday, 01-Jan-70 00:00:00 GMT", 2026, 2070)]
    [InlineData("Thursday, 01-Jan-70 00:00:00 GMT", 2000, 1970)]
    [InlineData("Monday, 01-Jan-24 00:00:00 GMT", 2026, 2024)]
    public void Two_digit_years_pivot_fifty_years_ahead(string text, int currentYear, int expectedYear)
    {
        Assert.True(HttpDate.TryParse(text, currentYear, out var date));
        Assert.Equal(expectedYear, date.Year);
    }

    [Theory]
    [InlineData(0, "Wed, 01 May 2024 12:00:00 GMT")]
    [InlineData(-7, "Wed, 01 May 2024 12:00:00 GMT")]
    [InlineData(9, "Wed, 01 May 2024 12:00:00 GMT")]
    public void Formats_imf_fixdate_in_utc_without_fractions(int offsetHours, string expected)
    {
        var instant = new DateTimeOffset(2024, 5, 1, 12, 0, 0, 999, TimeSpan.Zero).ToOffset(TimeSpan.FromHours(offsetHours));
        Assert.Equal(expected, HttpDate.Format(instant));
        Assert.True(HttpDate.TryParse(HttpDate.Format(instant), out var back));
        Assert.Equal(HttpDate.TruncateToSeconds(instant), back);
    }
}
