using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Tests.Ranges;

// RFC 9110 section 13.1.5: If-Range applies the Range only for a strong entity-tag match or an exact date match.
public sealed class IfRangeEvaluatorTests
{
    private static readonly DateTimeOffset LastModified = new(2024, 5, 1, 12, 0, 0, 750, TimeSpan.Zero);

    [Theory]
    [InlineData(null, true)]
    // Present but empty: no validator, so the range is ignored (RFC 9110 section 13.1.5).
    [InlineData("", false)]
    [InlineData(" ", false)]
    [InlineData("\"abc\"", true)]
    [InlineData(" \"abc\" ", true)]
    [InlineData("\"xyz\"", false)]
    [InlineData("\"ABC\"", false)]
    [InlineData("W/\"abc\"", false)]
    [InlineData("w/\"abc\"", false)]
    [InlineData("\"abc\", \"xyz\"", false)]
    [InlineData("\"abc", false)]
    [InlineData("abc", false)]
    [InlineData("*", false)]
    [InlineData("garbage", false)]
    public void Entity_tag_validator(string? ifRange, bool applies)
    {
        Assert.Equal(applies, IfRangeEvaluator.RangeApplies(ifRange, "\"abc\"", LastModified));
    }

    // A weak current entity-tag can never satisfy the strong comparison that If-Range requires.
    [Theory]
    [InlineData("W/\"abc\"")]
    [InlineData("\"abc\"")]
    public void Weak_current_entity_tag_never_matches(string ifRange)
    {
        Assert.False(IfRangeEvaluator.RangeApplies(ifRange, "W/\"abc\"", LastModified));
    }

    // Exact match only, at one-second resolution: neither earlier nor later dates apply the Range.
    [Theory]
    [InlineData("Wed, 01 May 2024 12:00:00 GMT", true)]
    [InlineData("Wednesday, 01-May-24 12:00:00 GMT", true)]
    [InlineData("Wed May  1 12:00:00 2024", true)]
    [InlineData("Wed, 01 May 2024 11:59:59 GMT", false)]
    [InlineData("Wed, 01 May 2024 12:00:01 GMT", false)]
    [InlineData("Wed, 01 May 2025 12:00:00 GMT", false)]
    [InlineData("Wed, 01 May 2024 12:00:00 UTC", false)]
    [InlineData("Wed, 01 May 2024 12:00:00 GMT, Wed, 01 May 2024 12:00:00 GMT", false)]
    public void Date_validator(string ifRange, bool applies)
    {
        Assert.Equal(applies, IfRangeEvaluator.RangeApplies(ifRange, "\"abc\"", LastModified));
    }

    [Fact]
    public void Date_match_uses_utc_whatever_the_offset_of_last_modified()
    {
        var sameInstantElsewhere = LastModified.ToOffset(TimeSpan.FromHours(-7));
        Assert.True(IfRangeEvaluator.RangeApplies("Wed, 01 May 2024 12:00:00 GMT", "\"abc\"", sameInstantElsewhere));
    }
}
