using System.Buffers.Binary;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>
/// The CRC-32 of a concatenation from the CRC-32s of its pieces and their lengths, as S3 builds an object's full-object
/// CRC from its parts' (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html). The
/// standard method (as zlib's crc32_combine): appending n zero bits to a CRC is a linear map over GF(2), applied to the
/// first CRC by repeated squaring of the one-bit map; the second CRC is then added. System.IO.Hashing has no such call.
/// </summary>
internal static class Crc32Combination
{
    /// <summary>The reflected polynomial of the CRC-32 S3 uses (ISO-HDLC, as <see cref="System.IO.Hashing.Crc32"/>).</summary>
    private const uint Polynomial = 0xEDB88320;

    /// <summary>The CRC of the whole from its pieces in order (CRC, length); null when there are none.</summary>
    public static uint? Of(IEnumerable<(uint Crc, long Length)> pieces)
    {
        uint? whole = null;
        foreach (var (crc, length) in pieces)
        {
            whole = whole is { } before ? Combine(before, crc, length) : crc;
        }

        return whole;
    }

    /// <summary>The CRC of A followed by B, from CRC(A), CRC(B) and B's length.</summary>
    public static uint Combine(uint first, uint second, long secondLength)
    {
        if (secondLength <= 0)
        {
            return first;
        }

        Span<uint> odd = stackalloc uint[32];
        Span<uint> even = stackalloc uint[32];
        // The map that appends one zero bit, then two (even), then four (odd).
        odd[0] = Polynomial;
        for (var n = 1; n < 32; n++)
        {
            odd[n] = 1u << (n - 1);
        }

        Square(even, odd);
        Square(odd, even);
        // Each round squares the map again (one zero byte, then two, four...) and applies it where the length has a bit.
        var length = secondLength;
        do
        {
            Square(even, odd);
            if ((length & 1) != 0)
            {
                first = Times(even, first);
            }

            length >>= 1;
            if (length == 0)
            {
                break;
            }

            Square(odd, even);
            if ((length & 1) != 0)
            {
                first = Times(odd, first);
            }

            length >>= 1;
        }
        while (length != 0);

        return first ^ second;
    }

    /// <summary>A CRC-32 as S3 writes it (base64 of its big-endian bytes); null when it is not one.</summary>
    public static uint? FromBase64(string? value)
    {
        Span<byte> bytes = stackalloc byte[8];
        return value is not null && Convert.TryFromBase64String(value.Trim(), bytes, out var written) && written == 4
            ? BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : null;
    }

    private static uint Times(ReadOnlySpan<uint> matrix, uint vector)
    {
        uint sum = 0;
        for (var i = 0; vector != 0; i++, vector >>= 1)
        {
            if ((vector & 1) != 0)
            {
                sum ^= matrix[i];
            }
        }

        return sum;
    }

    private static void Square(Span<uint> square, ReadOnlySpan<uint> matrix)
    {
        for (var n = 0; n < 32; n++)
        {
            square[n] = Times(matrix, matrix[n]);
        }
    }
}
