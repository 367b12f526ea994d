using System.Buffers;
using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>The CRC32 of a part that can be read twice (held in memory or on disk), as S3 writes it: base64, big-endian.</summary>
internal static class PartChecksum
{
    private const int ReadSize = 64 * 1024;

    /// <summary>Hashes <paramref name="length"/> bytes from the stream's position, then goes back to it.</summary>
    public static async Task<string> Crc32Async(Stream part, long length, CancellationToken cancellationToken)
    {
        var start = part.Position;
        var crc = WideCrc.CreateCrc32();
        var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            for (var left = length; left > 0;)
            {
                var read = await part.ReadAsync(buffer.AsMemory(0, (int)Math.Min(left, ReadSize)), cancellationToken);
                if (read == 0)
                {
                    throw new EndOfStreamException($"the part ended {left} bytes short of its {length}");
                }

                crc.Append(buffer.AsSpan(0, read));
                left -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        part.Position = start;
        return Convert.ToBase64String(ExpectedChecksum.S3Digest(crc));
    }
}
