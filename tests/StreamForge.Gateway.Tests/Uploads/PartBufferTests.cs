using StreamForge.Gateway.Storage.S3;
using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Tests.Uploads;

public sealed class PartBufferTests
{
    private const int MiB = 1024 * 1024;

    [Theory]
    [InlineData(5 * MiB, 5 * MiB)]
    [InlineData((5 * MiB) + 1, 6 * MiB)]
    [InlineData(16 * MiB, 16 * MiB)]
    public async Task A_part_holds_its_own_size_rounded_up_to_a_MiB_not_to_a_power_of_two(int partSize, long capacity)
    {
        using var part = await PartBuffer.ReadAsync(new MemoryStream(new byte[partSize]), partSize, CancellationToken.None);

        Assert.Equal(partSize, part.Count);
        Assert.Equal(capacity, part.Capacity);
    }

    [Fact]
    public async Task A_short_body_ends_the_part_early()
    {
        using var part = await PartBuffer.ReadAsync(new MemoryStream(new byte[(2 * MiB) + 5]), 5 * MiB, CancellationToken.None);

        Assert.Equal((2 * MiB) + 5, part.Count);
        Assert.Equal(3L * MiB, part.Capacity);
    }

    [Fact]
    public async Task The_part_reads_back_byte_for_byte_across_segments_and_can_be_rewound()
    {
        var data = new byte[(3 * MiB) + 123];
        new Random(3).NextBytes(data);
        using var part = await PartBuffer.ReadAsync(new MemoryStream(data), 5 * MiB, CancellationToken.None);
        await using var stream = part.OpenRead();

        var first = new byte[data.Length];
        await stream.ReadExactlyAsync(first);
        Assert.Equal(0, await stream.ReadAsync(new byte[1]));
        stream.Position = MiB - 7;
        var again = new byte[100];
        await stream.ReadExactlyAsync(again);

        Assert.Equal(data, first);
        Assert.Equal(data.AsSpan(MiB - 7, 100).ToArray(), again);
        Assert.Equal(data.Length, stream.Length);
    }
}
