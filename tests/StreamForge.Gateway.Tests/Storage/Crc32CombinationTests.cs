using System.IO.Hashing;
using StreamForge.Gateway.Storage.S3;

namespace StreamForge.Gateway.Tests.Storage;

public sealed class Crc32CombinationTests
{
    [Theory]
    [InlineData(new[] { 1, 1 })]
    [InlineData(new[] { 5, 0, 7 })]
    [InlineData(new[] { 1000, 1000, 1000, 17 })]
    [InlineData(new[] { 65536, 3 })]
    public void The_combined_crc_of_pieces_is_the_crc_of_the_whole(int[] lengths)
    {
        var whole = new byte[lengths.Sum()];
        new Random(lengths.Length).NextBytes(whole);
        var offset = 0;
        var pieces = new List<(uint, long)>();
        foreach (var length in lengths)
        {
            pieces.Add((Crc32.HashToUInt32(whole.AsSpan(offset, length)), length));
            offset += length;
        }

        Assert.Equal(Crc32.HashToUInt32(whole), Crc32Combination.Of(pieces));
    }

    [Fact]
    public void Reads_crcs_as_S3_writes_them()
    {
        var crc = Crc32.HashToUInt32("hello"u8);

        var bigEndian = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bigEndian, crc);

        Assert.Equal(crc, Crc32Combination.FromBase64(Convert.ToBase64String(bigEndian)));
        Assert.Null(Crc32Combination.FromBase64("abc-3"));
    }
}
