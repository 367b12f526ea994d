using System.Buffers;

namespace StreamForge.Gateway.Uploads;

/// <summary>
/// One multipart part of a chunked body, held in a pooled array until S3 has it. S3 must know a part's
/// length before it is sent, so a body without Content-Length cannot be streamed straight through.
/// </summary>
internal sealed class PartBuffer : IDisposable
{
    private byte[]? _array;

    private PartBuffer(byte[] array, int count)
    {
        _array = array;
        Count = count;
    }

    public int Count { get; }

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Count);

    /// <summary>Fills a buffer of up to <paramref name="partSize"/> bytes; Count below partSize means the body ended.</summary>
    public static async Task<PartBuffer> ReadAsync(Stream body, int partSize, CancellationToken cancellationToken)
    {
        var array = ArrayPool<byte>.Shared.Rent(partSize);
        try
        {
            var count = await body.ReadAtLeastAsync(array.AsMemory(0, partSize), partSize, throwOnEndOfStream: false, cancellationToken);
            return new PartBuffer(array, count);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(array);
            throw;
        }
    }

    /// <summary>A read-only stream over the part, for the S3 client.</summary>
    public Stream OpenRead() =>
        new MemoryStream(_array ?? throw new ObjectDisposedException(nameof(PartBuffer)), 0, Count, writable: false); // bounded: one part

    public void Dispose()
    {
        if (_array is { } array)
        {
            _array = null;
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
