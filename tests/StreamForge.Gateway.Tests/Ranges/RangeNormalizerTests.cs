using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Tests.Ranges;

public sealed class RangeNormalizerTests
{
    private static readonly RangeLimits Generous = new(MaxRanges: 16, AbusiveRangeAction.ServeFull);

    private static string Decide(string? header, long length, RangeLimits? limits = null) =>
        RangeText.Of(RangeNormalizer.Normalize(RangeHeaderParser.Parse(header), length, limits ?? Generous));

    // RFC 9110 section 14.1.2: the examples for a 10000-byte representation.
    [Theory]
    [InlineData("bytes=0-499", "Single 0-499")]
    [InlineData("bytes=500-999", "Single 500-999")]
    [InlineData("bytes=-500", "Single 9500-9999")]
    [InlineData("bytes=9500-", "Single 9500-9999")]
    [InlineData("bytes=0-0,-1", "Multiple 0-0,9999-9999")]
    [InlineData("bytes=500-600,601-999", "Multiple 500-600,601-999")]
    [InlineData("bytes=0-", "Single 0-9999")]
    [InlineData("bytes=0-0", "Single 0-0")]
    [InlineData("bytes=9999-9999", "Single 9999-9999")]
    public void Rfc_examples(string header, string expected)
    {
        Assert.Equal(expected, Decide(header, 10000));
    }

    // RFC 9110 section 14.1.2: last-pos clamped to the end, suffix longer than the representation means all of it.
    [Theory]
    [InlineData(10, "bytes=5-100", "Single 5-9")]
    [InlineData(10, "bytes=5-9223372036854775807", "Single 5-9")]
    [InlineData(10, "bytes=-20", "Single 0-9")]
    [InlineData(10, "bytes=-10", "Single 0-9")]
    [InlineData(10, "bytes=-9", "Single 1-9")]
    [InlineData(10, "bytes=-9223372036854775807", "Single 0-9")]
    [InlineData(10, "bytes=9-", "Single 9-9")]
    [InlineData(1, "bytes=0-0", "Single 0-0")]
    [InlineData(1, "bytes=0-", "Single 0-0")]
    [InlineData(1, "bytes=-1", "Single 0-0")]
    [InlineData(1, "bytes=-5", "Single 0-0")]
    [InlineData(1, "bytes=0-100", "Single 0-0")]
    [InlineData(4611686018427387904, "bytes=0-", "Single 0-4611686018427387903")]
    [InlineData(4611686018427387904, "bytes=-1", "Single 4611686018427387903-4611686018427387903")]
    public void Clamps_against_the_length(long length, string header, string expected)
    {
        Assert.Equal(expected, Decide(header, length));
    }

    // RFC 9110 sections 14.1.1 and 15.5.17: first-pos >= length and "-0" are unsatisfiable; unsatisfiable
    // specs are dropped, and only when none is left is the answer 416.
    [Theory]
    [InlineData(10, "bytes=10-", "Unsatisfiable")]
    [InlineData(10, "bytes=10-20", "Unsatisfiable")]
    [InlineData(10, "bytes=-0", "Unsatisfiable")]
    [InlineData(10, "bytes=10-20,30-,-0", "Unsatisfiable")]
    [InlineData(10, "bytes=9223372036854775807-", "Unsatisfiable")]
    [InlineData(1, "bytes=1-", "Unsatisfiable")]
    [InlineData(1, "bytes=-0", "Unsatisfiable")]
    [InlineData(10, "bytes=10-20,2-3", "Single 2-3")]
    [InlineData(10, "bytes=-0,0-0", "Single 0-0")]
    [InlineData(10, "bytes=0-1,10-20,4-5", "Multiple 0-1,4-5")]
    public void Drops_unsatisfiable_specs(long length, string header, string expected)
    {
        Assert.Equal(expected, Decide(header, length));
    }

    // RFC 9110 section 14.1.1: "When a selected representation has zero length, the only satisfiable form of
    // range-spec is a suffix-range with a non-zero suffix-length." It selects nothing, which no Content-Range
    // can express, so the answer is 200 with the empty body; anything else is 416 "bytes */0".
    [Theory]
    [InlineData("bytes=0-0", "Unsatisfiable")]
    [InlineData("bytes=0-", "Unsatisfiable")]
    [InlineData("bytes=-0", "Unsatisfiable")]
    [InlineData("bytes=-0,5-", "Unsatisfiable")]
    [InlineData("bytes=-1", "Full")]
    [InlineData("bytes=-500", "Full")]
    [InlineData("bytes=0-5,-3", "Full")]
    [InlineData(null, "Full")]
    public void Zero_length_representation(string? header, string expected)
    {
        Assert.Equal(expected, Decide(header, 0));
    }

    // RFC 9110 section 14.2: no Range, or one that is invalid, means the whole representation.
    [Theory]
    [InlineData(null)]
    [InlineData("items=0-1")]
    [InlineData("bytes=5-1")]
    [InlineData("bytes=abc")]
    public void Absent_or_invalid_range_serves_the_whole_representation(string? header)
    {
        Assert.Equal("Full", Decide(header, 10));
    }

    // RFC 9110 section 14.1.1 allows any order; parts are kept in the order requested (no sorting, no coalescing).
    [Theory]
    [InlineData("bytes=5-6,0-1", "Multiple 5-6,0-1")]
    [InlineData("bytes=-1,0-0", "Multiple 9-9,0-0")]
    [InlineData("bytes=0-4,5-9", "Multiple 0-4,5-9")]
    [InlineData("bytes=0-0,1-1,2-2,3-3", "Multiple 0-0,1-1,2-2,3-3")]
    public void Multiple_ranges_keep_request_order(string header, string expected)
    {
        Assert.Equal(expected, Decide(header, 10));
    }

    // RFC 9110 section 15.5.17 and CVE-2011-3192: too many, overlapping, or more-than-the-whole ranges are abuse.
    [Theory]
    [InlineData(10, 2, "bytes=0-0,2-2,4-4")]
    [InlineData(10, 1, "bytes=0-0,2-2")]
    [InlineData(10, 2, "bytes=20-,30-,40-")]
    [InlineData(0, 2, "bytes=-1,-1,-1")]
    [InlineData(10, 16, "bytes=0-5,5-9")]
    [InlineData(10, 16, "bytes=500-700,601-999,0-5,4-4")]
    [InlineData(10, 16, "bytes=0-,0-")]
    [InlineData(10, 16, "bytes=0-9,3-4")]
    [InlineData(10, 16, "bytes=-10,0-0")]
    [InlineData(10, 16, "bytes=-3,0-7")]
    [InlineData(4, 16, "bytes=0-0,1-1,2-2,3-3,0-0")]
    [InlineData(5, 16, "bytes=0-0,0-0,0-0,0-0,0-0,0-0")]
    [InlineData(9223372036854775807, 4, "bytes=0-,1-,2-")]
    public void Abusive_range_sets(long length, int maxRanges, string header)
    {
        var serveFull = new RangeLimits(maxRanges, AbusiveRangeAction.ServeFull);
        var reject = new RangeLimits(maxRanges, AbusiveRangeAction.Reject);
        Assert.Equal("Full (abusive)", Decide(header, length, serveFull));
        Assert.Equal("Unsatisfiable (abusive)", Decide(header, length, reject));
    }

    // CVE-2011-3192 guard: exactly MaxRanges specs is fine, adjacent spans do not overlap.
    [Theory]
    [InlineData(3, "bytes=0-0,2-2,4-4", "Multiple 0-0,2-2,4-4")]
    [InlineData(1, "bytes=0-0", "Single 0-0")]
    [InlineData(2, "bytes=0-4,5-9", "Multiple 0-4,5-9")]
    [InlineData(2, "bytes=-5,0-4", "Multiple 5-9,0-4")]
    public void Sets_at_the_limit_are_not_abuse(int maxRanges, string header, string expected)
    {
        Assert.Equal(expected, Decide(header, 10, new RangeLimits(maxRanges, AbusiveRangeAction.Reject)));
    }

    [Fact]
    public void Rejects_bad_arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RangeNormalizer.Normalize(null, -1, Generous));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RangeLimits(0, AbusiveRangeAction.ServeFull));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RangeLimits(1, (AbusiveRangeAction)42));
        Assert.Throws<ArgumentException>(() => RangeNormalizer.Normalize([default], 10, Generous));
    }

    [Fact]
    public void Decision_shapes()
    {
        Assert.Throws<InvalidOperationException>(() => RangeDecision.Full.Span);
        Assert.Throws<ArgumentException>(() => RangeDecision.Multiple([new ByteSpan(0, 1)]));
        Assert.Equal(new ByteSpan(3, 4), RangeDecision.Single(new ByteSpan(3, 4)).Span);
        Assert.Equal(
            RangeDecision.Multiple([new ByteSpan(0, 1), new ByteSpan(3, 4)]),
            RangeDecision.Multiple(new List<ByteSpan> { new(0, 1), new(3, 4) }));
        Assert.NotEqual(RangeDecision.Full, RangeDecision.AbusiveFull);
    }
}
