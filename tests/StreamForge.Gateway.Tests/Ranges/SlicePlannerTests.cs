using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Tests.Ranges;

// Upstream slicing (src/StreamForge.Gateway/Ranges/SlicePlanner.cs); each slice is an RFC 9110 section 14.1.2 closed byte range.
public sealed class SlicePlannerTests
{
    [Theory]
    [InlineData(0, 99, 50, "0-49,50-99")]
    [InlineData(5, 24, 10, "5-9,10-19,20-24")]
    [InlineData(5, 7, 10, "5-7")]
    [InlineData(0, 9, 10, "0-9")]
    [InlineData(10, 10, 10, "10-10")]
    [InlineData(9, 10, 10, "9-9,10-10")]
    [InlineData(19, 20, 10, "19-19,20-20")]
    [InlineData(0, 0, 1, "0-0")]
    [InlineData(3, 5, 1, "3-3,4-4,5-5")]
    [InlineData(0, 1000, 9223372036854775807, "0-1000")]
    [InlineData(9223372036854775802, 9223372036854775807, 4, "9223372036854775802-9223372036854775803,9223372036854775804-9223372036854775807")]
    [InlineData(9223372036854775800, 9223372036854775807, 9223372036854775807, "9223372036854775800-9223372036854775806,9223372036854775807-9223372036854775807")]
    public void Slices_are_aligned_to_multiples_of_the_slice_size(long first, long last, long sliceSize, string expected)
    {
        Assert.Equal(expected, RangeText.Of(SlicePlanner.Plan(new ByteSpan(first, last), sliceSize)));
    }

    [Theory]
    [InlineData(0, 9, 0)]
    [InlineData(0, 9, -1)]
    [InlineData(-1, 9, 4)]
    [InlineData(5, 4, 4)]
    public void Rejects_bad_arguments_at_the_call(long first, long last, long sliceSize)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SlicePlanner.Plan(new ByteSpan(first, last), sliceSize));
    }

    [Fact]
    public void Plans_lazily()
    {
        const long mebibyte = 1L << 20;
        var plan = SlicePlanner.Plan(new ByteSpan(0, (4L << 30) - 1), mebibyte);
        Assert.False(plan is ICollection<ByteSpan>);

        // Walking all 4096 slices allocates only the iterator; a materialised list would take 64 KiB or more.
        var before = GC.GetAllocatedBytesForCurrentThread();
        long count = 0;
        long covered = 0;
        foreach (var slice in plan)
        {
            count++;
            covered += slice.Length;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(4096, count);
        Assert.Equal(4L << 30, covered);
        Assert.True(allocated < 8 * 1024, $"allocated {allocated} bytes");
    }
}
