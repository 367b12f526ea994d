using StreamForge.Gateway.Caching;
using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Tests.Caching;

public sealed class CacheBindingTests
{
    private static CacheBinding Binding(long sliceSize) => new(
        "origin", new CachePolicy(true, TimeSpan.FromMinutes(5), TimeSpan.Zero), sliceSize, new FillOptions("route", 65536, TimeSpan.FromSeconds(10)),
        CacheControlDirectives.Empty, _ => CacheControlDirectives.Empty);

    [Theory]
    [InlineData(0, 0, 999_999)]
    [InlineData(2_500_000, 2_000_000, 2_999_999)]
    [InlineData(999_999, 0, 999_999)]
    public void The_slice_holding_a_byte_starts_at_a_multiple_of_the_slice_size(long first, long start, long last)
    {
        Assert.Equal(new ByteSpan(start, last), Binding(1_000_000).SliceHolding(first));
    }

    [Fact]
    public void A_slice_near_the_largest_offset_ends_there_instead_of_overflowing()
    {
        // bytes=9223372036854775000- is a valid range (RFC 9110 section 14.1.2); a slice size that is no power of two
        // leaves less than a slice before long.MaxValue, and the look's Range must still be valid.
        var slice = Binding(10_000_000).SliceHolding(9_223_372_036_854_775_000);

        Assert.Equal(long.MaxValue, slice.Last);
        Assert.True(slice.First <= 9_223_372_036_854_775_000 && slice.First % 10_000_000 == 0);
    }
}
