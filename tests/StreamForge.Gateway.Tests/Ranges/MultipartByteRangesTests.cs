using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Tests.Ranges;

// RFC 9110 section 14.6: multipart/byteranges, one part per range with Content-Type and Content-Range.
public sealed class MultipartByteRangesTests
{
    [Fact]
    public void Frames_the_rfc_example()
    {
        var framing = new MultipartByteRanges("THIS_STRING_SEPARATES", "application/pdf", 8000, [new(500, 999), new(7000, 7999)]);

        Assert.Equal("multipart/byteranges; boundary=THIS_STRING_SEPARATES", framing.ContentType);
        Assert.Equal(
            "\r\n--THIS_STRING_SEPARATES\r\nContent-Type: application/pdf\r\nContent-Range: bytes 500-999/8000\r\n\r\n",
            Encoding.ASCII.GetString(framing.GetPartHeader(0)));
        Assert.Equal(
            "\r\n--THIS_STRING_SEPARATES\r\nContent-Type: application/pdf\r\nContent-Range: bytes 7000-7999/8000\r\n\r\n",
            Encoding.ASCII.GetString(framing.GetPartHeader(1)));
        Assert.Equal("\r\n--THIS_STRING_SEPARATES--\r\n", Encoding.ASCII.GetString(framing.ClosingDelimiter.Span));
        Assert.Equal(Assemble(framing, Representation(8000)).Length, framing.ContentLength);
    }

    [Fact]
    public void Leaves_out_content_type_when_unknown()
    {
        var framing = new MultipartByteRanges("b", null, 10, [new(0, 0), new(9, 9)]);
        Assert.Equal("\r\n--b\r\nContent-Range: bytes 0-0/10\r\n\r\n", Encoding.ASCII.GetString(framing.GetPartHeader(0)));
        Assert.Equal(Assemble(framing, Representation(10)).Length, framing.ContentLength);
    }

    // Content-Length must be exact: a body that disagrees with it is truncated or hangs the client.
    [Theory]
    [InlineData(1, "video/mp4", "0-0")]
    [InlineData(10, "video/mp4", "0-0,9-9")]
    [InlineData(10, null, "5-9,0-4")]
    [InlineData(100000, "application/octet-stream", "0-9,99990-99999,500-99989")]
    [InlineData(12345, "text/plain; charset=utf-8", "0-0,2-2,4-4,6-6,8-8,10-10,12-12,14-14,16-16,18-18")]
    public void Content_length_is_the_exact_body_size(long length, string? contentType, string spans)
    {
        var framing = new MultipartByteRanges(MultipartBoundary.Create(), contentType, length, ParseSpans(spans));
        Assert.Equal(Assemble(framing, Representation(length)).Length, framing.ContentLength);
    }

    [Fact]
    public async Task A_standard_multipart_reader_gets_every_part_back()
    {
        var data = Representation(1000);
        var spans = new ByteSpan[] { new(900, 999), new(0, 9), new(10, 10) };
        var framing = new MultipartByteRanges(MultipartBoundary.Create(), "video/mp4", data.Length, spans);
        var reader = new MultipartReader(framing.Boundary, new MemoryStream(Assemble(framing, data)));

        foreach (var span in spans)
        {
            var section = await reader.ReadNextSectionAsync();
            Assert.NotNull(section);
            Assert.Equal("video/mp4", section.ContentType);
            Assert.Equal(ContentRangeFormatter.Format(span, data.Length), section.Headers!["Content-Range"].ToString());
            using var body = new MemoryStream();
            await section.Body.CopyToAsync(body);
            Assert.Equal(data.AsSpan((int)span.First, (int)span.Length).ToArray(), body.ToArray());
        }

        Assert.Null(await reader.ReadNextSectionAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("line\r\nbreak")]
    [InlineData("quote\"")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789x")]
    public void Rejects_bad_boundaries(string boundary)
    {
        Assert.Throws<ArgumentException>(() => new MultipartByteRanges(boundary, null, 10, [new(0, 0)]));
    }

    [Fact]
    public void Rejects_content_types_that_would_inject_header_lines()
    {
        Assert.Throws<ArgumentException>(() => new MultipartByteRanges("b", "text/plain\r\nX-Evil: 1", 10, [new(0, 0)]));
    }

    [Theory]
    [InlineData(10, "")]
    [InlineData(10, "5-10")]
    [InlineData(10, "3-2")]
    [InlineData(0, "0-0")]
    public void Rejects_spans_outside_the_representation(long length, string spans)
    {
        Assert.ThrowsAny<ArgumentException>(() => new MultipartByteRanges("b", null, length, ParseSpans(spans)));
    }

    [Fact]
    public void Rejects_part_indexes_out_of_range()
    {
        var framing = new MultipartByteRanges("b", null, 10, [new(0, 0)]);
        Assert.Throws<ArgumentOutOfRangeException>(() => framing.GetPartHeader(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => framing.GetPartHeader(-1));
    }

    private static byte[] Representation(long length) =>
        Enumerable.Range(0, checked((int)length)).Select(i => (byte)(i % 251)).ToArray();

    /// <summary>What a handler would write: each part header, that part's bytes, then the close-delimiter.</summary>
    private static byte[] Assemble(MultipartByteRanges framing, byte[] data)
    {
        using var body = new MemoryStream();
        for (var i = 0; i < framing.Spans.Count; i++)
        {
            var span = framing.Spans[i];
            body.Write(framing.GetPartHeader(i));
            body.Write(data, (int)span.First, (int)span.Length);
        }

        body.Write(framing.ClosingDelimiter.Span);
        return body.ToArray();
    }

    private static ByteSpan[] ParseSpans(string text) =>
        text.Length == 0
            ? []
            : text.Split(',').Select(s => s.Split('-')).Select(p => new ByteSpan(long.Parse(p[0]), long.Parse(p[1]))).ToArray();
}
