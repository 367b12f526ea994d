using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Tests.Ranges;

// RFC 9110 section 14.4: Content-Range = range-unit SP ( range-resp / unsatisfied-range ).
public sealed class ContentRangeFormatterTests
{
    [Theory]
    [InlineData(0, 499, 1234, "bytes 0-499/1234")]
    [InlineData(0, 0, 1, "bytes 0-0/1")]
    [InlineData(9500, 9999, 10000, "bytes 9500-9999/10000")]
    [InlineData(0, 9223372036854775806, 9223372036854775807, "bytes 0-9223372036854775806/9223372036854775807")]
    public void Formats_a_satisfied_range(long first, long last, long length, string expected)
    {
        Assert.Equal(expected, ContentRangeFormatter.Format(new ByteSpan(first, last), length));
    }

    // Section 15.5.17: a 416 carries "bytes */LEN".
    [Theory]
    [InlineData(0, "bytes */0")]
    [InlineData(1234, "bytes */1234")]
    public void Formats_an_unsatisfied_range(long length, string expected)
    {
        Assert.Equal(expected, ContentRangeFormatter.FormatUnsatisfied(length));
    }

    [Theory]
    [InlineData(0, 10, 10)]
    [InlineData(-1, 5, 10)]
    [InlineData(5, 4, 10)]
    [InlineData(0, 0, 0)]
    public void Rejects_ranges_outside_the_representation(long first, long last, long length)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ContentRangeFormatter.Format(new ByteSpan(first, last), length));
    }

    [Fact]
    public void Rejects_a_negative_length()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ContentRangeFormatter.FormatUnsatisfied(-1));
    }
}
