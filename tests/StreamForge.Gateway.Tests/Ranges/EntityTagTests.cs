using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Tests.Ranges;

public sealed class EntityTagTests
{
    // RFC 9110 section 8.8.3.2: the comparison table.
    [Theory]
    [InlineData("W/\"1\"", "W/\"1\"", false, true)]
    [InlineData("W/\"1\"", "W/\"2\"", false, false)]
    [InlineData("W/\"1\"", "\"1\"", false, true)]
    [InlineData("\"1\"", "\"1\"", true, true)]
    [InlineData("\"1\"", "\"2\"", false, false)]
    [InlineData("\"a\"", "\"A\"", false, false)]
    public void Strong_and_weak_comparison(string left, string right, bool strong, bool weak)
    {
        Assert.True(EntityTag.TryParse(left, out var a));
        Assert.True(EntityTag.TryParse(right, out var b));
        Assert.Equal(strong, a.StrongMatches(b));
        Assert.Equal(strong, b.StrongMatches(a));
        Assert.Equal(weak, a.WeakMatches(b));
        Assert.Equal(weak, b.WeakMatches(a));
    }

    // RFC 9110 section 8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE.
    [Theory]
    [InlineData("\"xyzzy\"", "\"xyzzy\"", false)]
    [InlineData("W/\"xyzzy\"", "\"xyzzy\"", true)]
    [InlineData("\"\"", "\"\"", false)]
    [InlineData(" \"a\" ", "\"a\"", false)]
    [InlineData("\"a,b\"", "\"a,b\"", false)]
    [InlineData("\"9b2cf535f27731c974343645a3985328-3\"", "\"9b2cf535f27731c974343645a3985328-3\"", false)]
    [InlineData("\"caf\u00e9\"", "\"caf\u00e9\"", false)]
    public void Parses_one_tag(string text, string opaqueTag, bool isWeak)
    {
        Assert.True(EntityTag.TryParse(text, out var tag));
        Assert.Equal(new EntityTag(opaqueTag, isWeak), tag);
        Assert.Equal(text.Trim(), tag.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("xyzzy")]
    [InlineData("\"xyzzy")]
    [InlineData("xyzzy\"")]
    [InlineData("w/\"xyzzy\"")]
    [InlineData("W/ \"xyzzy\"")]
    [InlineData("W/xyzzy")]
    [InlineData("\"a b\"")]
    [InlineData("\"a\"b")]
    [InlineData("\"a\" \"b\"")]
    [InlineData("\"a\",\"b\"")]
    [InlineData("*")]
    [InlineData("\"\u0100\"")]
    public void Rejects_what_is_not_one_tag(string? text)
    {
        Assert.False(EntityTag.TryParse(text, out _));
    }

    // RFC 9110 section 5.6.1: #entity-tag lists, OWS around commas, empty elements, commas inside tags.
    [Theory]
    [InlineData("\"a\"", "\"a\"")]
    [InlineData("\"a\", \"b\"", "\"a\"|\"b\"")]
    [InlineData("\"a\",W/\"b\"", "\"a\"|W/\"b\"")]
    [InlineData("W/\"a\" ,\t\"b\"", "W/\"a\"|\"b\"")]
    [InlineData(",,\"a\",, ,\"b\",", "\"a\"|\"b\"")]
    [InlineData("\"a,b\", \"c\"", "\"a,b\"|\"c\"")]
    [InlineData("", "")]
    [InlineData(" , ", "")]
    public void Parses_lists(string text, string expected)
    {
        Assert.True(EntityTag.TryParseList(text, out var tags));
        Assert.Equal(expected, string.Join("|", tags));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("\"a\" \"b\"")]
    [InlineData("\"a\", b")]
    [InlineData("\"a\";\"b\"")]
    [InlineData("*")]
    [InlineData("\"a")]
    public void Rejects_invalid_lists(string? text)
    {
        Assert.False(EntityTag.TryParseList(text, out var tags));
        Assert.Empty(tags);
    }
}
