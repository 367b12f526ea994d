using System.Buffers.Binary;
using System.Security.Cryptography;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// Pseudo-random bytes any part of which can be produced on its own: the byte at position p is byte p % 8 (little
/// endian) of SplitMix64(seed, p / 8). An origin can stream any range of a 256 MiB body without holding it, and a test
/// can compute what any range must contain. Unlike <see cref="TestData.CreateFile"/> (System.Random) it needs no
/// sequential pass from the start.
/// </summary>
internal static class SeededBytes
{
    /// <summary>Writes the bytes at [<paramref name="offset"/>, offset + destination.Length) of body <paramref name="seed"/>.</summary>
    public static void Fill(long seed, long offset, Span<byte> destination)
    {
        Span<byte> word = stackalloc byte[8];
        var position = offset;
        var written = 0;
        while (written < destination.Length)
        {
            var within = (int)(position & 7);
            if (within == 0 && destination.Length - written >= 8)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(destination[written..], Word(seed, position >> 3));
                written += 8;
                position += 8;
                continue;
            }

            BinaryPrimitives.WriteUInt64LittleEndian(word, Word(seed, position >> 3));
            var n = Math.Min(8 - within, destination.Length - written);
            word.Slice(within, n).CopyTo(destination[written..]);
            written += n;
            position += n;
        }
    }

    public static byte[] Bytes(long seed, long offset, int count)
    {
        var bytes = new byte[count];
        Fill(seed, offset, bytes);
        return bytes;
    }

    /// <summary>SHA-256 (upper-case hex, as <see cref="TestData"/> gives it) of [offset, offset + length) of body <paramref name="seed"/>.</summary>
    public static string Sha256(long seed, long length, long offset = 0)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        for (long done = 0; done < length;)
        {
            var n = (int)Math.Min(buffer.Length, length - done);
            Fill(seed, offset + done, buffer.AsSpan(0, n));
            sha.AppendData(buffer, 0, n);
            done += n;
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }

    // SplitMix64 (Steele, Lea, Flood: "Fast splittable pseudorandom number generators", OOPSLA 2014), state = seed
    // mixed with the word's index, so every word is independent of the others.
    private static ulong Word(long seed, long index)
    {
        var z = unchecked(((ulong)seed * 0xD1B54A32D192ED03UL) + ((ulong)index * 0x9E3779B97F4A7C15UL) + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
