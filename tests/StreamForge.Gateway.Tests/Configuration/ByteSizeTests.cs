using StreamForge.Gateway.Configuration;

namespace StreamForge.Gateway.Tests.Configuration;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("1024", 1024)]
    [InlineData("64KiB", 65536)]
    [InlineData("64 KiB", 65536)]
    [InlineData("64kib", 65536)]
    [InlineData("2MB", 2_000_000)]
    [InlineData("8MiB", 8 * 1024 * 1024)]
    [InlineData("1.5GiB", 1610612736)]
    [InlineData("20GiB", 20L * 1024 * 1024 * 1024)]
    [InlineData("1TB", 1_000_000_000_000)]
    [InlineData("512B", 512)]
    public void Parses_sizes_as_people_write_them(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out var size));
        Assert.Equal(expected, size.Bytes);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("banana")]
    [InlineData("-1")]
    [InlineData("1.5B")]
    [InlineData("64 KiBs")]
    [InlineData("99999999999TiB")]
    [InlineData("unlimited")]
    public void Rejects_what_is_not_a_size(string? text)
    {
        Assert.False(ByteSize.TryParse(text, out _));
    }

    [Theory]
    [InlineData(65536, "64KiB")]
    [InlineData(8 * 1024 * 1024, "8MiB")]
    [InlineData(1000, "1000B")]
    public void Formats_readably(long bytes, string expected)
    {
        Assert.Equal(expected, new ByteSize(bytes).ToString());
    }
}
