using System.Net;
using System.Net.Http.Headers;
using StreamForge.Gateway.Caching;
using static StreamForge.Gateway.Tests.Caching.CachingFixtures;

namespace StreamForge.Gateway.Tests.Caching;

// RFC 9111 section 4.2.1 (freshness lifetime), 4.2.2 (heuristics), 4.2.3 (age) and 4.3.4 (304 updates).
public sealed class OriginCacheRulesFreshnessTests
{
    private static Freshness FreshnessOf(params (string Name, string Value)[] headers) =>
        FreshnessOf(Noon, Noon, headers);

    private static Freshness FreshnessOf(DateTimeOffset requestTime, DateTimeOffset responseTime, params (string Name, string Value)[] headers)
    {
        using var response = Response(headers);
        return OriginCacheRules.Evaluate(
            response, false, CacheControlDirectives.Empty, requestTime, responseTime, DefaultTtl, DefaultStaleIfError).Freshness;
    }

    private static TimeSpan Seconds(int seconds) => TimeSpan.FromSeconds(seconds);

    // Section 4.2.1, shared cache: s-maxage, then max-age, then Expires - Date, then the heuristic.
    [Theory]
    [InlineData("s-maxage=30, max-age=60", "Wed, 01 May 2024 12:10:00 GMT", 30)]
    [InlineData("max-age=60", "Wed, 01 May 2024 12:10:00 GMT", 60)]
    [InlineData("public", "Wed, 01 May 2024 12:10:00 GMT", 600)]
    [InlineData("public", null, 300)]
    [InlineData(null, null, 300)]
    public void The_lifetime_comes_from_s_maxage_then_max_age_then_expires_then_the_heuristic(
        string? cacheControl, string? expires, int expectedSeconds)
    {
        var headers = new List<(string, string)> { ("Date", NoonText) };
        if (cacheControl is not null)
        {
            headers.Add(("Cache-Control", cacheControl));
        }

        if (expires is not null)
        {
            headers.Add(("Expires", expires));
        }

        Assert.Equal(Seconds(expectedSeconds), FreshnessOf([.. headers]).Lifetime);
    }

    // RFC 9213: a CDN-Cache-Control field is this cache's policy; Cache-Control and Expires are for those after it.
    [Theory]
    [InlineData("max-age=86400", "max-age=60", null, 86400)]
    [InlineData("max-age=86400", null, "Wed, 01 May 2024 12:01:00 GMT", 86400)]
    [InlineData("no-cache", "max-age=3600", null, 0)]
    [InlineData("", "max-age=60", null, 60)] // empty: not a valid targeted field, Cache-Control counts
    [InlineData("max-age=86400, &&&&", "max-age=60", null, 60)] // not a Structured Field Dictionary: ignored
    [InlineData("max-age=\"86400\"", "max-age=60", null, 60)] // a String where RFC 9213 wants an Integer: ignored
    [InlineData("max-age=86400, stale-if-error=1.5", "max-age=60", null, 60)]
    [InlineData("max-age=86400, foo=(a \"b\"), bar=?1, baz=:aGk=:", "max-age=60", null, 86400)] // valid, with members it does not know
    public void CDN_Cache_Control_sets_the_edges_own_lifetime(string cdnCacheControl, string? cacheControl, string? expires, int expectedSeconds)
    {
        var headers = new List<(string, string)> { ("Date", NoonText), ("CDN-Cache-Control", cdnCacheControl) };
        if (cacheControl is not null)
        {
            headers.Add(("Cache-Control", cacheControl));
        }

        if (expires is not null)
        {
            headers.Add(("Expires", expires));
        }

        var freshness = FreshnessOf([.. headers]);
        Assert.Equal(Seconds(expectedSeconds), freshness.AlwaysRevalidate ? TimeSpan.Zero : freshness.Lifetime);
    }

    // The engine may hand over a response whose headers were set or already read through .NET's typed properties.
    [Fact]
    public void Headers_set_through_typed_properties_are_read_the_same()
    {
        using var response = Response();
        response.Headers.Date = Noon;
        response.Headers.Age = TimeSpan.FromSeconds(5);
        response.Headers.CacheControl = new CacheControlHeaderValue { SharedMaxAge = TimeSpan.FromSeconds(90), Public = true };
        response.Content.Headers.Expires = Noon.AddHours(1);
        _ = response.Headers.CacheControl.ToString();

        var decision = OriginCacheRules.Evaluate(response, true, CacheControlDirectives.Empty, Noon, Noon, DefaultTtl, DefaultStaleIfError);

        Assert.True(decision.Storable);
        Assert.Equal(Seconds(90), decision.Freshness.Lifetime);
        Assert.Equal(Seconds(5), decision.Freshness.InitialAge);
        Assert.True(decision.Freshness.MustRevalidate);
    }

    // Section 5.3: an invalid Expires, "especially the value 0", means already expired.
    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("tomorrow")]
    [InlineData("Wed, 01 May 2024 11:00:00 GMT")]
    public void An_invalid_or_past_expires_means_already_stale(string expires)
    {
        var freshness = FreshnessOf(("Date", NoonText), ("Expires", expires));
        Assert.Equal(TimeSpan.Zero, freshness.Lifetime);
        Assert.False(freshness.IsFresh(Noon));
    }

    // RFC 9110 section 6.6.1: without a (valid) Date the receipt time stands in.
    [Theory]
    [InlineData(null)]
    [InlineData("not a date")]
    public void Expires_without_a_usable_date_counts_from_the_response_time(string? date)
    {
        var responseTime = Noon.AddSeconds(20);
        var headers = new List<(string, string)> { ("Expires", "Wed, 01 May 2024 12:01:00 GMT") };
        if (date is not null)
        {
            headers.Add(("Date", date));
        }

        Assert.Equal(Seconds(40), FreshnessOf(Noon, responseTime, [.. headers]).Lifetime);
    }

    // Section 4.2.1: "consider responses that have invalid freshness information ... to be stale".
    [Theory]
    [InlineData("max-age=ten")]
    [InlineData("max-age=-5")]
    [InlineData("s-maxage=x, max-age=60")]
    [InlineData("s-maxage=60, max-age=1.5")]
    public void Malformed_max_age_or_s_maxage_makes_the_response_stale(string cacheControl)
    {
        var freshness = FreshnessOf(("Date", NoonText), ("Cache-Control", cacheControl), ("Expires", "Wed, 01 May 2024 13:00:00 GMT"));
        Assert.Equal(TimeSpan.Zero, freshness.Lifetime);
    }

    // Section 4.2.2: the heuristic is the route's Ttl, not 10% of the time since Last-Modified.
    [Fact]
    public void The_heuristic_lifetime_is_the_route_ttl_whatever_last_modified_says()
    {
        Assert.Equal(DefaultTtl, FreshnessOf(("Date", NoonText), ("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT")).Lifetime);
    }

    // Section 4.2.3 with concrete numbers: request sent 12:00:00, response arrived 12:00:04, Date 11:59:50, Age 3.
    // apparent_age = 14, response_delay = 4, corrected_age_value = 7, corrected_initial_age = 14.
    [Fact]
    public void The_initial_age_is_the_larger_of_the_apparent_age_and_the_corrected_age_header()
    {
        var freshness = FreshnessOf(Noon, Noon.AddSeconds(4),
            ("Date", "Wed, 01 May 2024 11:59:50 GMT"), ("Age", "3"), ("Cache-Control", "max-age=60"));

        Assert.Equal(Noon.AddSeconds(4), freshness.ResponseTime);
        Assert.Equal(Seconds(14), freshness.InitialAge);
        Assert.Equal(Seconds(14 + 26), freshness.CurrentAge(Noon.AddSeconds(30)));
        Assert.True(freshness.IsFresh(Noon.AddSeconds(49)));
        Assert.False(freshness.IsFresh(Noon.AddSeconds(50)));
    }

    // Same request, but an intermediary reports Age: 100: corrected_age_value = 100 + 4 = 104 wins.
    [Fact]
    public void An_age_header_from_an_intermediary_plus_the_response_delay_can_dominate()
    {
        var freshness = FreshnessOf(Noon, Noon.AddSeconds(4), ("Date", "Wed, 01 May 2024 11:59:50 GMT"), ("Age", "100"));
        Assert.Equal(Seconds(104), freshness.InitialAge);
    }

    // A Date in the future (origin clock ahead) gives apparent_age 0, never negative.
    [Fact]
    public void A_date_ahead_of_the_cache_clock_does_not_make_the_age_negative()
    {
        var freshness = FreshnessOf(Noon, Noon.AddSeconds(2), ("Date", "Wed, 01 May 2024 12:05:00 GMT"));
        Assert.Equal(Seconds(2), freshness.InitialAge);
    }

    // Section 5.1: a list-valued Age uses its first member; an invalid Age is ignored.
    [Theory]
    [InlineData("30, 50", 30)]
    [InlineData("abc", 0)]
    [InlineData("-5", 0)]
    public void The_age_header_uses_its_first_member_and_ignores_invalid_values(string age, int expectedSeconds)
    {
        Assert.Equal(Seconds(expectedSeconds), FreshnessOf(("Date", NoonText), ("Age", age)).InitialAge);
    }

    // RFC 5861: the response's stale-while-revalidate and stale-if-error; the route's default when it names none.
    [Fact]
    public void Stale_windows_come_from_the_response_or_the_route_default()
    {
        var named = FreshnessOf(("Cache-Control", "max-age=60, stale-while-revalidate=30, stale-if-error=86400"));
        Assert.Equal(Seconds(30), named.StaleWhileRevalidate);
        Assert.Equal(Seconds(86400), named.StaleIfError);

        var unnamed = FreshnessOf(("Cache-Control", "max-age=60"));
        Assert.Equal(TimeSpan.Zero, unnamed.StaleWhileRevalidate);
        Assert.Equal(DefaultStaleIfError, unnamed.StaleIfError);
    }

    // Sections 5.2.2.2, 5.2.2.8, 5.2.2.10: each forbids serving stale.
    [Theory]
    [InlineData("max-age=60, must-revalidate", true)]
    [InlineData("max-age=60, proxy-revalidate", true)]
    [InlineData("s-maxage=60", true)]
    [InlineData("max-age=60, stale-if-error=600", false)]
    public void Must_revalidate_proxy_revalidate_and_s_maxage_forbid_stale_serving(string cacheControl, bool expected)
    {
        var freshness = FreshnessOf(("Cache-Control", cacheControl));
        Assert.Equal(expected, freshness.MustRevalidate);
        Assert.Equal(!expected, freshness.MayServeOnError(Noon.AddSeconds(61)));
    }

    // Section 4.3.4: after a 304 the merged headers (new Date, new Cache-Control) give the new freshness.
    [Fact]
    public void A_304_restarts_freshness_from_the_merged_headers()
    {
        using var original = Response(("Date", NoonText), ("ETag", "\"v1\""), ("Cache-Control", "max-age=60"));
        using var notModified = Response(HttpStatusCode.NotModified,
            ("Date", "Wed, 01 May 2024 12:10:00 GMT"), ("Cache-Control", "max-age=120, stale-if-error=5"));
        var merged = StoredHeaders.From(original).UpdatedBy(notModified);

        var requestTime = Noon.AddMinutes(10);
        var freshness = OriginCacheRules.Revalidated(merged, notModified, requestTime, requestTime.AddSeconds(1), DefaultTtl, DefaultStaleIfError);

        Assert.Equal(requestTime.AddSeconds(1), freshness.ResponseTime);
        Assert.Equal(Seconds(1), freshness.InitialAge);
        Assert.Equal(Seconds(120), freshness.Lifetime);
        Assert.Equal(Seconds(5), freshness.StaleIfError);
        Assert.True(freshness.IsFresh(requestTime.AddSeconds(100)));
    }

    // Section 4.2.3: a 304 from an origin that is itself a cache carries its copy's Age, and that age counts.
    [Fact]
    public void A_304s_age_counts_though_age_is_never_stored()
    {
        using var original = Response(("Date", NoonText), ("ETag", "\"v1\""), ("Cache-Control", "max-age=60"), ("Age", "100"));
        using var notModified = Response(HttpStatusCode.NotModified, ("Date", "Wed, 01 May 2024 12:10:00 GMT"), ("Age", "100"));
        var merged = StoredHeaders.From(original).UpdatedBy(notModified);

        var at = Noon.AddMinutes(10);
        var freshness = OriginCacheRules.Revalidated(merged, notModified, at, at, DefaultTtl, DefaultStaleIfError);

        Assert.Empty(merged.GetAll("Age"));
        Assert.Equal(Seconds(100), freshness.InitialAge);
        Assert.False(freshness.IsFresh(at));
    }

    [Fact]
    public void A_304_without_cache_control_keeps_the_stored_directives()
    {
        using var original = Response(("Date", NoonText), ("Cache-Control", "max-age=60, must-revalidate"));
        using var notModified = Response(HttpStatusCode.NotModified, ("Date", "Wed, 01 May 2024 12:10:00 GMT"));
        var merged = StoredHeaders.From(original).UpdatedBy(notModified);

        var at = Noon.AddMinutes(10);
        var freshness = OriginCacheRules.Revalidated(merged, notModified, at, at, DefaultTtl, DefaultStaleIfError);

        Assert.Equal(Seconds(60), freshness.Lifetime);
        Assert.True(freshness.MustRevalidate);
        Assert.Equal(TimeSpan.Zero, freshness.InitialAge);
    }
}
