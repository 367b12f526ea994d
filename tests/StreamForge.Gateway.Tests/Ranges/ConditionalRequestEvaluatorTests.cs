using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Tests.Ranges;

public sealed class ConditionalRequestEvaluatorTests
{
    private const string ETag = "\"abc\"";

    // Sub-second part on purpose: HTTP-dates have one-second resolution, so this is sent as 12:00:00.
    private static readonly DateTimeOffset LastModified = new(2024, 5, 1, 12, 0, 0, 750, TimeSpan.Zero);

    private const string Same = "Wed, 01 May 2024 12:00:00 GMT";
    private const string Earlier = "Wed, 01 May 2024 11:59:59 GMT";
    private const string Later = "Wed, 01 May 2024 12:00:01 GMT";

    private static string Evaluate(
        string? ifMatch = null,
        string? ifNoneMatch = null,
        string? ifModifiedSince = null,
        string? ifUnmodifiedSince = null,
        bool isGetOrHead = true,
        string etag = ETag) =>
        ConditionalRequestEvaluator.Evaluate(
            new ConditionalHeaders(ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince), isGetOrHead, etag, LastModified).ToString();

    [Fact]
    public void No_preconditions_proceed()
    {
        Assert.Equal(ConditionalOutcome.Proceed, ConditionalRequestEvaluator.Evaluate(ConditionalHeaders.None, true, ETag, LastModified));
    }

    // RFC 9110 section 13.1.1: If-Match, strong comparison, "*" matches any current representation.
    [Theory]
    [InlineData("\"abc\"", "Proceed")]
    [InlineData("\"xyz\"", "PreconditionFailed")]
    [InlineData("\"xyz\", \"abc\"", "Proceed")]
    [InlineData("\"xyz\",,\"abc\"", "Proceed")]
    [InlineData("\"xyz\",\"def\"", "PreconditionFailed")]
    [InlineData("W/\"abc\"", "PreconditionFailed")]
    [InlineData("*", "Proceed")]
    [InlineData(" * ", "Proceed")]
    [InlineData("\"ABC\"", "PreconditionFailed")]
    [InlineData("abc", "PreconditionFailed")]
    [InlineData("*, \"abc\"", "PreconditionFailed")]
    [InlineData("\"abc\", garbage", "PreconditionFailed")]
    // Present but empty: a list of no entity-tags, which nothing matches (RFC 9110 sections 5.6.1 and 13.1.1).
    [InlineData("", "PreconditionFailed")]
    [InlineData(" ", "PreconditionFailed")]
    public void If_match(string ifMatch, string expected)
    {
        Assert.Equal(expected, Evaluate(ifMatch: ifMatch));
        Assert.Equal(expected, Evaluate(ifMatch: ifMatch, isGetOrHead: false));
    }

    // RFC 9110 section 13.1.2: If-None-Match, weak comparison; a match is 304 for GET/HEAD, 412 otherwise.
    [Theory]
    [InlineData("\"abc\"", "NotModified", "PreconditionFailed")]
    [InlineData("W/\"abc\"", "NotModified", "PreconditionFailed")]
    [InlineData("\"xyz\", W/\"abc\"", "NotModified", "PreconditionFailed")]
    [InlineData("*", "NotModified", "PreconditionFailed")]
    [InlineData("\"xyz\"", "Proceed", "Proceed")]
    [InlineData("W/\"xyz\"", "Proceed", "Proceed")]
    [InlineData("garbage", "Proceed", "Proceed")]
    [InlineData("\"abc\" \"xyz\"", "Proceed", "Proceed")]
    [InlineData("", "Proceed", "Proceed")]
    public void If_none_match(string ifNoneMatch, string forGet, string forOtherMethods)
    {
        Assert.Equal(forGet, Evaluate(ifNoneMatch: ifNoneMatch));
        Assert.Equal(forOtherMethods, Evaluate(ifNoneMatch: ifNoneMatch, isGetOrHead: false));
    }

    // RFC 9110 sections 8.8.3.2 and 13.1.1/13.1.2: against a weak current tag If-Match never matches (strong),
    // If-None-Match still does (weak); against a tag that does not parse only "*" matches.
    [Theory]
    [InlineData("W/\"abc\"", "W/\"abc\"", null, "PreconditionFailed")]
    [InlineData("W/\"abc\"", "\"abc\"", null, "PreconditionFailed")]
    [InlineData("W/\"abc\"", "*", null, "Proceed")]
    [InlineData("W/\"abc\"", null, "\"abc\"", "NotModified")]
    [InlineData("W/\"abc\"", null, "W/\"abc\"", "NotModified")]
    [InlineData("abc", "\"abc\"", null, "PreconditionFailed")]
    [InlineData("abc", "*", null, "Proceed")]
    [InlineData("abc", null, "\"abc\"", "Proceed")]
    [InlineData("abc", null, "*", "NotModified")]
    [InlineData("", "*", null, "Proceed")]
    public void Current_entity_tag_forms(string etag, string? ifMatch, string? ifNoneMatch, string expected)
    {
        Assert.Equal(expected, Evaluate(ifMatch: ifMatch, ifNoneMatch: ifNoneMatch, etag: etag));
    }

    // RFC 9110 section 13.1.3: If-Modified-Since, GET/HEAD only, "not modified" when Last-Modified <= date,
    // compared at one-second resolution; an invalid date, or a list of dates, is ignored.
    [Theory]
    [InlineData(Same, "NotModified")]
    [InlineData(Later, "NotModified")]
    [InlineData("Thu, 01 Jan 2099 00:00:00 GMT", "NotModified")]
    [InlineData(Earlier, "Proceed")]
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT", "Proceed")]
    [InlineData("Wednesday, 01-May-24 12:00:00 GMT", "NotModified")]
    [InlineData("Wed May  1 12:00:00 2024", "NotModified")]
    [InlineData("garbage", "Proceed")]
    [InlineData("2024-05-01T12:00:00Z", "Proceed")]
    [InlineData("Wed, 01 May 2024 12:00:00 GMT, Wed, 01 May 2024 12:00:00 GMT", "Proceed")]
    [InlineData("", "Proceed")]
    public void If_modified_since(string ifModifiedSince, string expected)
    {
        Assert.Equal(expected, Evaluate(ifModifiedSince: ifModifiedSince));
        Assert.Equal("Proceed", Evaluate(ifModifiedSince: ifModifiedSince, isGetOrHead: false));
    }

    // RFC 9110 section 13.1.4: If-Unmodified-Since fails when Last-Modified is later than the date; invalid ignored.
    [Theory]
    [InlineData(Same, "Proceed")]
    [InlineData(Later, "Proceed")]
    [InlineData(Earlier, "PreconditionFailed")]
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT", "PreconditionFailed")]
    [InlineData("garbage", "Proceed")]
    [InlineData("Wed, 01 May 2024 11:59:59 GMT, Wed, 01 May 2024 11:59:59 GMT", "Proceed")]
    public void If_unmodified_since(string ifUnmodifiedSince, string expected)
    {
        Assert.Equal(expected, Evaluate(ifUnmodifiedSince: ifUnmodifiedSince));
        Assert.Equal(expected, Evaluate(ifUnmodifiedSince: ifUnmodifiedSince, isGetOrHead: false));
    }

    // RFC 9110 section 13.2.2: evaluation order and which field is ignored in the presence of which.
    [Theory]
    // Step 1 before step 3: a failed If-Match wins over a matching If-None-Match.
    [InlineData("\"xyz\"", "\"abc\"", null, null, true, "PreconditionFailed")]
    // If-Unmodified-Since is ignored when If-Match is present (section 13.1.4), whichever way If-Match goes.
    [InlineData("\"abc\"", null, null, Earlier, true, "Proceed")]
    [InlineData("*", null, null, Earlier, true, "Proceed")]
    [InlineData("\"xyz\"", null, null, Same, true, "PreconditionFailed")]
    // Step 2 before step 4: a failed If-Unmodified-Since wins over a 304 from If-Modified-Since.
    [InlineData(null, null, Same, Earlier, true, "PreconditionFailed")]
    // Passing If-Match, then If-None-Match decides.
    [InlineData("\"abc\"", "\"abc\"", null, null, true, "NotModified")]
    [InlineData("\"abc\"", "\"abc\"", null, null, false, "PreconditionFailed")]
    // If-Modified-Since is ignored when If-None-Match is present (section 13.1.3), match or not.
    [InlineData(null, "\"xyz\"", Same, null, true, "Proceed")]
    [InlineData(null, "\"abc\"", Earlier, null, true, "NotModified")]
    // Passing If-Unmodified-Since, then If-None-Match / If-Modified-Since decide.
    [InlineData(null, "\"abc\"", null, Same, true, "NotModified")]
    [InlineData(null, null, Later, Later, true, "NotModified")]
    [InlineData(null, null, Earlier, Later, true, "Proceed")]
    // Invalid If-Unmodified-Since is ignored, so a valid If-Modified-Since still applies.
    [InlineData(null, null, Same, "garbage", true, "NotModified")]
    public void Evaluation_order(string? ifMatch, string? ifNoneMatch, string? ifModifiedSince, string? ifUnmodifiedSince, bool isGetOrHead, string expected)
    {
        Assert.Equal(expected, Evaluate(ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince, isGetOrHead));
    }
}
