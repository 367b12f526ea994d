using StreamForge.Gateway.Caching;

namespace StreamForge.Gateway.Tests.Caching;

// RFC 9111 section 4.1: the secondary cache key from the request's values of the Vary'd fields.
public sealed class VariantKeyTests
{
    private static string Key(IReadOnlyList<string> vary, params (string Name, string Value)[] request)
    {
        var fields = request.ToDictionary(f => f.Name, f => f.Value, StringComparer.OrdinalIgnoreCase);
        return OriginCacheRules.VariantKey(vary, name => fields.GetValueOrDefault(name));
    }

    [Fact]
    public void No_vary_gives_the_empty_key()
    {
        Assert.Equal("", Key([], ("Accept-Encoding", "gzip")));
    }

    [Fact]
    public void Values_are_normalised_so_that_white_space_differences_match()
    {
        var a = Key(["accept-encoding"], ("Accept-Encoding", "gzip,deflate"));
        var b = Key(["accept-encoding"], ("Accept-Encoding", " gzip ,  deflate ,"));
        Assert.Equal("accept-encoding: gzip, deflate", a);
        Assert.Equal(a, b);
        Assert.NotEqual(a, Key(["accept-encoding"], ("Accept-Encoding", "br")));
    }

    // Section 4.1: an absent field matches only a request where it is absent too.
    [Fact]
    public void An_absent_field_differs_from_an_empty_one()
    {
        Assert.NotEqual(Key(["origin"]), Key(["origin"], ("Origin", "")));
    }

    [Fact]
    public void Several_fields_cannot_be_confused_with_one_another()
    {
        var key = Key(["accept-encoding", "origin"], ("Accept-Encoding", "gzip"), ("Origin", "https://a.example"));
        Assert.Equal("accept-encoding: gzip\norigin: https://a.example", key);
        Assert.NotEqual(key, Key(["accept-encoding", "origin"], ("Accept-Encoding", "gzip, origin: https://a.example")));
    }

    [Fact]
    public void Vary_star_has_no_key()
    {
        Assert.Throws<ArgumentException>(() => Key(["*"]));
    }
}
