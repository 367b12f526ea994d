using System.IO.Hashing;
using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Tests.Uploads;

public sealed class WideCrcTests
{
    public static TheoryData<string> Algorithms => ["crc32", "crc32c", "crc64nvme"];

    [Fact]
    public void The_CRC32_fold_constants_are_the_published_ones()
    {
        // Intel's paper (and every PCLMULQDQ CRC-32 since) folds 64 bytes with 0x154442bd4 / 0x1c6e41596 and
        // 16 bytes with 0x1751997d0 / 0xccaa009e.
        var by64 = WideCrc.FoldConstants.Pair32(0x04C11DB7, 512);
        var by16 = WideCrc.FoldConstants.Pair32(0x04C11DB7, 128);

        Assert.Equal((0x154442bd4UL, 0x1c6e41596UL), (by64[0], by64[1]));
        Assert.Equal((0x1751997d0UL, 0xccaa009eUL), (by16[0], by16[1]));
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Any_split_of_a_body_gives_the_CRC_of_System_IO_Hashing(string algorithm)
    {
        var random = new Random(1234);
        var body = new byte[200_000];
        random.NextBytes(body);
        for (var trial = 0; trial < 300; trial++)
        {
            var (wide, reference) = Create(algorithm);
            var position = 0;
            while (position < body.Length && random.Next(6) != 0)
            {
                // Short, block-sized and long pieces, starting at any offset.
                var length = Math.Min(body.Length - position, random.Next(3) switch { 0 => random.Next(600), 1 => 256 * random.Next(1, 9), _ => random.Next(70_000) });
                wide.Append(body.AsSpan(position, length));
                reference.Append(body.AsSpan(position, length));
                position += length;
            }

            Assert.Equal(reference.GetCurrentHash(), wide.GetCurrentHash());
        }
    }

    [Theory]
    [InlineData("crc32", "CBF43926")]
    [InlineData("crc32c", "E3069283")]
    [InlineData("crc64nvme", "AE8B14860A799888")]
    public void The_catalogue_check_value_holds_before_and_after_a_long_input(string algorithm, string check)
    {
        // The check value of each CRC's catalogue entry is its CRC of "123456789".
        var (wide, reference) = Create(algorithm);
        wide.Append("123456789"u8);
        Assert.Equal(check, Convert.ToHexString(ExpectedChecksum.S3Digest(wide)));

        var zeros = new byte[1 << 20];
        wide.Reset();
        wide.Append(zeros);
        reference.Append(zeros);
        Assert.Equal(reference.GetCurrentHash(), wide.GetHashAndReset());

        wide.Append("123456789"u8);
        Assert.Equal(check, Convert.ToHexString(ExpectedChecksum.S3Digest(wide)));
    }

    private static (WideCrc Wide, NonCryptographicHashAlgorithm Reference) Create(string algorithm) => algorithm switch
    {
        "crc32" => (WideCrc.CreateCrc32(), new Crc32()),
        "crc32c" => (WideCrc.CreateCrc32C(), new Crc32(Crc32ParameterSet.Crc32C)),
        _ => (WideCrc.CreateCrc64Nvme(), new Crc64(Crc64ParameterSet.Nvme)),
    };
}
