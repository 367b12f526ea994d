using StreamForge.Gateway.Caching;

namespace StreamForge.Gateway.Tests.Caching;

// RFC 9111 section 5.2: the Cache-Control field, request and response directives.
public sealed class CacheControlDirectivesTests
{
    private static CacheControlDirectives Parse(params string[] lines) => CacheControlDirectives.Parse(lines);

    [Fact]
    public void No_field_lines_mean_no_directives()
    {
        Assert.Equal(CacheControlDirectives.Empty, Parse());
        Assert.Equal(CacheControlDirectives.Empty, Parse("", " , ,"));
    }

    [Fact]
    public void Reads_every_directive_across_lines_and_case()
    {
        var d = Parse("Public, MAX-AGE=60, s-maxage=120", "must-revalidate,proxy-revalidate", "no-cache, no-store, private",
            "stale-while-revalidate=5, stale-if-error=600, min-fresh=7, max-stale=9, only-if-cached");

        Assert.True(d.Public && d.MustRevalidate && d.ProxyRevalidate && d.NoCache && d.NoStore && d.Private && d.OnlyIfCached);
        Assert.Equal(TimeSpan.FromSeconds(60), d.MaxAge);
        Assert.Equal(TimeSpan.FromSeconds(120), d.SharedMaxAge);
        Assert.Equal(TimeSpan.FromSeconds(5), d.StaleWhileRevalidate);
        Assert.Equal(TimeSpan.FromSeconds(600), d.StaleIfError);
        Assert.Equal(TimeSpan.FromSeconds(7), d.MinFresh);
        Assert.True(d.MaxStale);
        Assert.Equal(TimeSpan.FromSeconds(9), d.MaxStaleLimit);
    }

    // Section 5.2: "recipients ought to accept both forms", token and quoted-string.
    [Theory]
    [InlineData("max-age=\"60\"")]
    [InlineData("max-age=60")]
    [InlineData(" max-age = 60 ")]
    public void Accepts_quoted_and_token_arguments(string line)
    {
        Assert.Equal(TimeSpan.FromSeconds(60), Parse(line).MaxAge);
    }

    // Section 4.2.1: of duplicates, "the first occurrence should be used".
    [Fact]
    public void The_first_of_duplicate_directives_wins()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), Parse("max-age=10, max-age=99").MaxAge);
        Assert.Equal(TimeSpan.FromSeconds(10), Parse("max-age=10", "max-age=99").MaxAge);
    }

    // Section 1.2.2: delta-seconds = 1*DIGIT; anything else makes the directive invalid.
    [Theory]
    [InlineData("max-age=-1")]
    [InlineData("max-age=+5")]
    [InlineData("max-age=1.5")]
    [InlineData("max-age=abc")]
    [InlineData("max-age=")]
    [InlineData("max-age")]
    [InlineData("max-age=\"6 0\"")]
    [InlineData("max-age=\"60")]
    public void Malformed_max_age_is_marked_invalid(string line)
    {
        var d = Parse(line);
        Assert.Null(d.MaxAge);
        Assert.True(d.MaxAgeInvalid);
    }

    [Fact]
    public void Malformed_s_maxage_is_marked_invalid_but_still_present()
    {
        var d = Parse("s-maxage=soon");
        Assert.Null(d.SharedMaxAge);
        Assert.True(d.SharedMaxAgeInvalid);
        Assert.True(d.HasSharedMaxAge);
    }

    [Fact]
    public void Malformed_optional_arguments_drop_their_directive()
    {
        var d = Parse("max-stale=x, min-fresh=-1, stale-while-revalidate=1e3, stale-if-error=");
        Assert.False(d.MaxStale);
        Assert.Null(d.MinFresh);
        Assert.Null(d.StaleWhileRevalidate);
        Assert.Null(d.StaleIfError);
    }

    // Section 1.2.2: values beyond what a cache can represent are taken as 2^31.
    [Theory]
    [InlineData("2147483648", 2147483648)]
    [InlineData("2147483649", 2147483648)]
    [InlineData("99999999999999999999999999", 2147483648)]
    [InlineData("0", 0)]
    [InlineData("007", 7)]
    public void Delta_seconds_are_capped_at_two_to_the_31(string text, long expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), Parse($"max-age={text}").MaxAge);
    }

    [Fact]
    public void Max_stale_without_an_argument_means_any_staleness()
    {
        var d = Parse("max-stale");
        Assert.True(d.MaxStale);
        Assert.Null(d.MaxStaleLimit);
    }

    // Section 5.2.2.4 / 5.2.2.7: the qualified forms carry field names in a quoted list that may hold commas.
    [Fact]
    public void Qualified_no_cache_and_private_count_as_unqualified_and_do_not_split_the_list()
    {
        var d = Parse("no-cache=\"Set-Cookie, X-Foo\", private=\"X-Bar\", max-age=30");
        Assert.True(d.NoCache);
        Assert.True(d.Private);
        Assert.Equal(TimeSpan.FromSeconds(30), d.MaxAge);
    }

    [Fact]
    public void Unknown_directives_are_ignored()
    {
        var d = Parse("immutable, community=\"UCI\", x-ext=\"a,b\", max-age=5");
        Assert.Equal(CacheControlDirectives.Empty with { MaxAge = TimeSpan.FromSeconds(5) }, d);
    }

    // RFC 7234 section 5.4 (deprecated in RFC 9111 section 5.4): Pragma: no-cache only without Cache-Control.
    [Fact]
    public void Pragma_no_cache_counts_only_when_the_request_has_no_cache_control()
    {
        Assert.True(CacheControlDirectives.ParseRequest([], ["no-cache"]).NoCache);
        Assert.True(CacheControlDirectives.ParseRequest([""], ["foo, No-Cache"]).NoCache);
        Assert.False(CacheControlDirectives.ParseRequest(["max-age=60"], ["no-cache"]).NoCache);
        Assert.False(CacheControlDirectives.ParseRequest([], ["x-other"]).NoCache);
        Assert.Equal(TimeSpan.FromSeconds(60), CacheControlDirectives.ParseRequest(["max-age=60"], []).MaxAge);
    }
}
