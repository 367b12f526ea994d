using System.Net;

namespace StreamForge.Bench.Measuring;

/// <summary>
/// An upload body of a given length, written from one shared pattern buffer: no file to read and nothing
/// allocated per upload, so the client costs next to nothing. A known length means a Content-Length header.
/// </summary>
internal sealed class SyntheticContent : HttpContent
{
    private readonly long _length;
    private readonly ReadOnlyMemory<byte> _pattern;

    public SyntheticContent(long length, ReadOnlyMemory<byte> pattern)
    {
        _length = length;
        _pattern = pattern;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        for (var left = _length; left > 0;)
        {
            var count = (int)Math.Min(left, _pattern.Length);
            await stream.WriteAsync(_pattern[..count], cancellationToken);
            left -= count;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}
