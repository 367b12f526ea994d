using StreamForge.Gateway.Caching;
using static StreamForge.Gateway.Tests.Caching.CachingFixtures;

namespace StreamForge.Gateway.Tests.Caching;

// RFC 9111 section 5.2.1: what the request's own directives allow the cache to answer from storage.
public sealed class OriginCacheRulesRequestTests
{
    // Stored at noon with age 0, fresh for 60 s, no stale serving forbidden.
    private static readonly Freshness Sixty = new(Noon, TimeSpan.Zero, TimeSpan.FromSeconds(60), TimeSpan.Zero, TimeSpan.Zero, false, false);

    private static bool Accepts(string? cacheControl, int secondsAfterNoon, Freshness? stored = null, string? pragma = null) =>
        OriginCacheRules.RequestAcceptsStored(
            CacheControlDirectives.ParseRequest(cacheControl is null ? [] : [cacheControl], pragma is null ? [] : [pragma]),
            stored ?? Sixty,
            Noon.AddSeconds(secondsAfterNoon));

    [Fact]
    public void Without_directives_a_fresh_response_is_accepted_and_a_stale_one_is_not()
    {
        Assert.True(Accepts(null, 59));
        Assert.False(Accepts(null, 60));
    }

    // Section 5.2.1.4, and RFC 7234 section 5.4 for Pragma.
    [Theory]
    [InlineData("no-cache", null)]
    [InlineData(null, "no-cache")]
    [InlineData("max-age=0", null)]
    public void No_cache_pragma_no_cache_and_max_age_zero_always_validate(string? cacheControl, string? pragma)
    {
        Assert.False(Accepts(cacheControl, 0, pragma: pragma));
    }

    [Fact]
    public void Pragma_is_ignored_when_the_request_has_cache_control()
    {
        Assert.True(Accepts("max-stale=5", 10, pragma: "no-cache"));
    }

    // Section 5.2.1.1: max-age=N accepts only responses no older than N.
    [Fact]
    public void Max_age_limits_the_age_of_a_fresh_response()
    {
        Assert.True(Accepts("max-age=30", 30));
        Assert.False(Accepts("max-age=30", 31));
        Assert.True(Accepts("max-age=ten", 30)); // an invalid request directive is ignored
    }

    // Section 5.2.1.3: min-fresh=N wants at least N seconds of freshness left.
    [Fact]
    public void Min_fresh_requires_that_much_freshness_left()
    {
        Assert.True(Accepts("min-fresh=20", 40));
        Assert.False(Accepts("min-fresh=20", 41));
    }

    // Section 5.2.1.2: max-stale[=N] accepts a stale response, by at most N when given.
    [Fact]
    public void Max_stale_accepts_stale_responses_within_its_limit()
    {
        Assert.True(Accepts("max-stale", 100_000));
        Assert.True(Accepts("max-stale=10", 70));
        Assert.False(Accepts("max-stale=10", 71));
    }

    // Section 4.2.4: must-revalidate overrides a client's willingness to take stale responses.
    [Fact]
    public void Max_stale_does_not_override_must_revalidate()
    {
        var mustRevalidate = Sixty with { MustRevalidate = true };
        Assert.True(Accepts("max-stale", 59, mustRevalidate));
        Assert.False(Accepts("max-stale", 61, mustRevalidate));
    }

    // Section 5.2.2.4: a no-cache response needs validation whatever the request says.
    [Fact]
    public void A_no_cache_response_is_never_accepted_without_validation()
    {
        var alwaysRevalidate = Sixty with { AlwaysRevalidate = true };
        Assert.False(Accepts(null, 0, alwaysRevalidate));
        Assert.False(Accepts("max-stale", 0, alwaysRevalidate));
    }
}
