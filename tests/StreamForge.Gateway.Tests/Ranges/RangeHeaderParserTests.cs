using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Tests.Ranges;

public sealed class RangeHeaderParserTests
{
    // RFC 9110 section 14.1.1 (range-spec grammar) and 14.1.2 (byte ranges, including the examples given there).
    [Theory]
    [InlineData("bytes=0-499", "0-499")]
    [InlineData("bytes=500-999", "500-999")]
    [InlineData("bytes=-500", "-500")]
    [InlineData("bytes=9500-", "9500-")]
    [InlineData("bytes=0-0,-1", "0-0,-1")]
    [InlineData("bytes=500-600,601-999", "500-600,601-999")]
    [InlineData("bytes=500-700,601-999", "500-700,601-999")]
    [InlineData("bytes=0-0", "0-0")]
    [InlineData("bytes=-0", "-0")]
    [InlineData("bytes=00-007", "0-7")]
    [InlineData("bytes=9223372036854775807-", "9223372036854775807-")]
    [InlineData("bytes=0-9223372036854775807", "0-9223372036854775807")]
    [InlineData("bytes=-9223372036854775807", "-9223372036854775807")]
    public void Parses_range_specs_in_request_order(string header, string expected)
    {
        Assert.Equal(expected, RangeText.Of(RangeHeaderParser.Parse(header)));
    }

    // RFC 9110 section 14.1: range unit names are case-insensitive.
    [Theory]
    [InlineData("BYTES=0-1")]
    [InlineData("Bytes=0-1")]
    [InlineData("bYtEs=0-1")]
    public void Unit_is_case_insensitive(string header)
    {
        Assert.Equal("0-1", RangeText.Of(RangeHeaderParser.Parse(header)));
    }

    // RFC 9110 section 5.6.1 (list syntax): OWS around commas, empty elements ignored; section 5.5: field OWS.
    [Theory]
    [InlineData("bytes=0-1,2-3", "0-1,2-3")]
    [InlineData("bytes=0-1 ,2-3", "0-1,2-3")]
    [InlineData("bytes=0-1, 2-3", "0-1,2-3")]
    [InlineData("bytes=0-1 , 2-3", "0-1,2-3")]
    [InlineData("bytes=0-1,\t2-3", "0-1,2-3")]
    [InlineData("bytes=0-1,,2-3", "0-1,2-3")]
    [InlineData("bytes=0-1, ,2-3", "0-1,2-3")]
    [InlineData("bytes=,0-1", "0-1")]
    [InlineData("bytes=0-1,", "0-1")]
    [InlineData("bytes=,,0-1,,", "0-1")]
    [InlineData(" bytes=0-1 ", "0-1")]
    [InlineData("\tbytes=0-1\t", "0-1")]
    [InlineData("bytes= 0-1", "0-1")]
    public void Accepts_optional_white_space_and_empty_list_elements(string header, string expected)
    {
        Assert.Equal(expected, RangeText.Of(RangeHeaderParser.Parse(header)));
    }

    // RFC 9110 section 14.2: an unknown unit or an invalid ranges-specifier is ignored (the caller sends 200).
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("items=0-1")]
    [InlineData("byte=0-1")]
    [InlineData("bytes")]
    [InlineData("bytes0-1")]
    [InlineData("=0-1")]
    [InlineData("bytes =0-1")]
    [InlineData("bytes:0-1")]
    [InlineData("bytes=")]
    [InlineData("bytes=,")]
    [InlineData("bytes= , ")]
    [InlineData("bytes=5-1")]
    [InlineData("bytes=0-1,5-1")]
    [InlineData("bytes=abc")]
    [InlineData("bytes=0-1,abc")]
    [InlineData("bytes=-")]
    [InlineData("bytes=--1")]
    [InlineData("bytes=1")]
    [InlineData("bytes=+1-2")]
    [InlineData("bytes=1-+2")]
    [InlineData("bytes=-+5")]
    [InlineData("bytes=-1-2")]
    [InlineData("bytes=1 -2")]
    [InlineData("bytes=1- 2")]
    [InlineData("bytes=1-2-3")]
    [InlineData("bytes=1.5-2")]
    [InlineData("bytes=0x10-0x20")]
    [InlineData("bytes=0-1;2-3")]
    [InlineData("bytes=\u0661-\u0662")]
    [InlineData("bytes=0-1\r\n")]
    public void Invalid_header_is_ignored(string? header)
    {
        Assert.Null(RangeHeaderParser.Parse(header));
    }

    // RFC 9110 section 14.1.1: positions are 1*DIGIT; values beyond a 64-bit length are rejected, not wrapped.
    [Theory]
    [InlineData("bytes=9223372036854775808-")]
    [InlineData("bytes=0-9223372036854775808")]
    [InlineData("bytes=-9223372036854775808")]
    [InlineData("bytes=0-99999999999999999999")]
    [InlineData("bytes=184467440737095516160-")]
    public void Positions_that_overflow_a_long_make_the_header_invalid(string header)
    {
        Assert.Null(RangeHeaderParser.Parse(header));
    }
}
