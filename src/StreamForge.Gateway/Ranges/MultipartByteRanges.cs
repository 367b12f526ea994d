using System.Text;

namespace StreamForge.Gateway.Ranges;

/// <summary>
/// The framing of a multipart/byteranges body (RFC 9110 section 14.6): the bytes that go before each part's
/// data and after the last one, and the body's exact length so the 206 can carry Content-Length. The data
/// itself is not touched; the caller streams each span between the part headers.
/// </summary>
/// <remarks>
/// Layout, as Apache sends it: every part header begins with CRLF, which for the first part is the line break
/// after an empty preamble (RFC 2046 section 5.1.1), so all parts are framed alike:
/// <c>CRLF "--" boundary CRLF Content-Type CRLF Content-Range CRLF CRLF data</c>, ..., <c>CRLF "--" boundary "--" CRLF</c>.
/// </remarks>
internal sealed class MultipartByteRanges
{
    // RFC 2046 allows boundaries of 1 to 70 characters.
    private const int MaxBoundaryLength = 70;

    private readonly string? _partContentType;
    private readonly long _completeLength;
    private readonly byte[] _closingDelimiter;

    /// <param name="boundary">The boundary, e.g. from <see cref="MultipartBoundary.Create"/>.</param>
    /// <param name="partContentType">The representation's media type, repeated in every part; null to leave it out.</param>
    /// <param name="completeLength">The representation's length, the denominator of each Content-Range.</param>
    /// <param name="spans">The parts, in the order they will be sent.</param>
    public MultipartByteRanges(string boundary, string? partContentType, long completeLength, IReadOnlyList<ByteSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(boundary);
        ArgumentNullException.ThrowIfNull(spans);
        if (boundary.Length is 0 or > MaxBoundaryLength || !boundary.All(IsBoundaryChar))
        {
            throw new ArgumentException("a boundary is 1 to 70 characters of [0-9A-Za-z'+-._]", nameof(boundary));
        }

        if (partContentType is not null && !partContentType.All(IsFieldValueChar))
        {
            // A CR or LF here would let a stored Content-Type inject header lines into the parts.
            throw new ArgumentException("a content type must be visible ASCII, spaces or tabs", nameof(partContentType));
        }

        if (spans.Count == 0)
        {
            throw new ArgumentException("a multipart body needs at least one part", nameof(spans));
        }

        foreach (var span in spans)
        {
            if (span.First < 0 || span.Last < span.First || span.Last >= completeLength)
            {
                throw new ArgumentOutOfRangeException(nameof(spans), span, "a part must lie within the representation");
            }
        }

        Boundary = boundary;
        _partContentType = partContentType;
        _completeLength = completeLength;
        Spans = spans.ToArray();
        _closingDelimiter = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
        ContentLength = ComputeContentLength();
    }

    public string Boundary { get; }

    /// <summary>The Content-Type of the 206 response itself. The boundary needs no quotes: it is a token.</summary>
    public string ContentType => "multipart/byteranges; boundary=" + Boundary;

    public IReadOnlyList<ByteSpan> Spans { get; }

    /// <summary>The close-delimiter that ends the body, after the last part's data.</summary>
    public ReadOnlyMemory<byte> ClosingDelimiter => _closingDelimiter;

    /// <summary>The exact number of body bytes: all part headers, all part data and the close-delimiter.</summary>
    public long ContentLength { get; }

    /// <summary>The bytes to send before the data of part <paramref name="index"/>.</summary>
    public byte[] GetPartHeader(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Spans.Count);
        return Encoding.ASCII.GetBytes(PartHeaderText(Spans[index]));
    }

    private string PartHeaderText(ByteSpan span)
    {
        var builder = new StringBuilder();
        builder.Append("\r\n--").Append(Boundary).Append("\r\n");
        if (_partContentType is not null)
        {
            builder.Append("Content-Type: ").Append(_partContentType).Append("\r\n");
        }

        builder.Append("Content-Range: ").Append(ContentRangeFormatter.Format(span, _completeLength)).Append("\r\n\r\n");
        return builder.ToString();
    }

    private long ComputeContentLength()
    {
        // The header text is pure ASCII, so its length in chars is its length in bytes.
        long total = _closingDelimiter.Length;
        foreach (var span in Spans)
        {
            total = checked(total + PartHeaderText(span).Length + span.Length);
        }

        return total;
    }

    /// <summary>Characters that are both RFC 2046 bchars and RFC 9110 tchars, so the boundary never needs quoting.</summary>
    private static bool IsBoundaryChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '\'' or '+' or '-' or '.' or '_';

    /// <summary>RFC 9110 section 5.5 field-vchar and SP/HTAB, without obs-text: enough for any media type.</summary>
    private static bool IsFieldValueChar(char c) => c is '\t' or (>= ' ' and <= '~');
}
