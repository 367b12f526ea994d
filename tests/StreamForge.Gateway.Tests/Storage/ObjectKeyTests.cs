using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Tests.Storage;

public sealed class ObjectKeyTests
{
    [Theory]
    [InlineData("movie.mp4")]
    [InlineData("a/b/c.mp4")]
    [InlineData("with space/ünïcödé.mp4")]
    [InlineData("..hidden/file...mp4")]
    public void Accepts_ordinary_keys(string key)
    {
        Assert.True(ObjectKey.TryCreate(key, out var parsed, out _));
        Assert.Equal(key, parsed.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("../etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("a/./b")]
    [InlineData("/absolute")]
    [InlineData("a//b")]
    [InlineData("trailing/")]
    [InlineData("back\\slash")]
    [InlineData("nul\0byte")]
    [InlineData("bell\u0007")]
    [InlineData("del\u007f")]
    public void Rejects_keys_that_could_escape_or_confuse(string? key)
    {
        Assert.False(ObjectKey.TryCreate(key, out _, out var problem));
        Assert.NotEmpty(problem);
    }

    [Fact]
    public void Rejects_keys_over_1024_utf8_bytes()
    {
        Assert.True(ObjectKey.TryCreate(new string('a', 1024), out _, out _));
        Assert.False(ObjectKey.TryCreate(new string('a', 1025), out _, out _));
        Assert.False(ObjectKey.TryCreate(new string('é', 513), out _, out _));
    }
}
