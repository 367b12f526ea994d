using System.Buffers;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>
/// One multipart part of a chunked body, held in pooled memory until S3 has it. S3 must know a part's length
/// before it is sent, so a body without Content-Length cannot be streamed straight through.
/// </summary>
/// <remarks>
/// Held as 1 MiB segments rather than one array: the shared pool rounds a rented array up to a power of two,
/// so a 5 MiB part would take 8 MiB. With segments a part costs its own size, rounded up to the next MiB.
/// </remarks>
internal sealed class PartBuffer : IDisposable
{
    internal const int SegmentSize = 1024 * 1024;

    private byte[][]? _segments;

    private PartBuffer(byte[][] segments, int count)
    {
        _segments = segments;
        Count = count;
    }

    public int Count { get; }

    /// <summary>Bytes of memory this part holds.</summary>
    public long Capacity => (long)(_segments?.Length ?? 0) * SegmentSize;

    /// <summary>Fills a buffer of up to <paramref name="partSize"/> bytes; Count below partSize means the body ended.</summary>
    public static async Task<PartBuffer> ReadAsync(Stream body, int partSize, CancellationToken cancellationToken)
    {
        var segments = new List<byte[]>((partSize + SegmentSize - 1) / SegmentSize);
        var count = 0;
        try
        {
            while (count < partSize)
            {
                var segment = ArrayPool<byte>.Shared.Rent(SegmentSize);
                segments.Add(segment);
                var wanted = Math.Min(SegmentSize, partSize - count);
                var read = await body.ReadAtLeastAsync(segment.AsMemory(0, wanted), wanted, throwOnEndOfStream: false, cancellationToken);
                count += read;
                if (read < wanted)
                {
                    break;
                }
            }

            return new PartBuffer([.. segments], count);
        }
        catch
        {
            segments.ForEach(segment => ArrayPool<byte>.Shared.Return(segment));
            throw;
        }
    }

    /// <summary>A read-only, seekable stream over the part, for the S3 client (which may rewind it to retry).</summary>
    public Stream OpenRead() =>
        new PartBufferStream(_segments ?? throw new ObjectDisposedException(nameof(PartBuffer)), SegmentSize, Count);

    public void Dispose()
    {
        if (_segments is { } segments)
        {
            _segments = null;
            foreach (var segment in segments)
            {
                ArrayPool<byte>.Shared.Return(segment);
            }
        }
    }
}
