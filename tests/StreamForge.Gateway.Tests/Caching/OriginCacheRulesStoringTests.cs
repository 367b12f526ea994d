using System.Net;
using StreamForge.Gateway.Caching;
using static StreamForge.Gateway.Tests.Caching.CachingFixtures;

namespace StreamForge.Gateway.Tests.Caching;

// RFC 9111 section 3: whether a shared cache may store an origin's answer to a GET.
public sealed class OriginCacheRulesStoringTests
{
    private static OriginCacheDecision Evaluate(
        HttpResponseMessage response, bool authorization = false, CacheControlDirectives? request = null) =>
        OriginCacheRules.Evaluate(response, authorization, request ?? CacheControlDirectives.Empty, Noon, Noon, DefaultTtl, DefaultStaleIfError);

    private static string? Reason(HttpResponseMessage response, bool authorization = false, CacheControlDirectives? request = null)
    {
        using (response)
        {
            var decision = Evaluate(response, authorization, request);
            Assert.Equal(decision.Reason is null, decision.Storable);
            return decision.Reason;
        }
    }

    // RFC 9110 section 15.1: 200 and 206 are heuristically cacheable, so no explicit freshness is needed.
    [Fact]
    public void A_plain_200_without_any_freshness_information_is_storable()
    {
        Assert.Null(Reason(Response()));
    }

    // RFC 9213: the targeted field decides for this cache, whatever Cache-Control says to those after it.
    [Theory]
    [InlineData("private", "max-age=3600", false)]
    [InlineData("no-store", "max-age=3600", false)]
    [InlineData("max-age=3600", "no-store", true)]
    [InlineData("max-age=3600", "private", true)]
    public void CDN_Cache_Control_decides_whether_the_edge_stores(string cdnCacheControl, string cacheControl, bool storable)
    {
        var reason = Reason(Response(HttpStatusCode.OK, ("CDN-Cache-Control", cdnCacheControl), ("Cache-Control", cacheControl)));

        Assert.Equal(storable, reason is null);
    }

    [Theory]
    [InlineData(HttpStatusCode.NoContent)]
    [InlineData(HttpStatusCode.MovedPermanently)]
    [InlineData(HttpStatusCode.NotModified)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.BadGateway)]
    public void Only_200_and_206_are_stored_as_slices(HttpStatusCode status)
    {
        Assert.Equal("status", Reason(Response(status, ("Cache-Control", "max-age=60"))));
    }

    // RFC 9110 section 14.4: the complete length places a 206's bytes in the representation.
    [Theory]
    [InlineData("bytes 0-99/1000", null)]
    [InlineData("bytes 0-99/*", "partial_unknown_length")]
    [InlineData("bytes */1000", "partial_unknown_length")]
    [InlineData("garbage", "partial_unknown_length")]
    public void A_206_needs_a_content_range_with_a_complete_length(string contentRange, string? expected)
    {
        Assert.Equal(expected, Reason(Response(HttpStatusCode.PartialContent, ("Content-Range", contentRange))));
    }

    [Fact]
    public void A_multipart_206_has_no_single_content_range_and_is_not_stored()
    {
        Assert.Equal("partial_unknown_length",
            Reason(Response(HttpStatusCode.PartialContent, ("Content-Type", "multipart/byteranges; boundary=x"))));
    }

    // Sections 5.2.1.5 and 5.2.2.5.
    [Fact]
    public void No_store_in_the_request_or_the_response_prevents_storing()
    {
        Assert.Equal("no_store", Reason(Response(("Cache-Control", "max-age=60, no-store"))));
        Assert.Equal("no_store", Reason(Response(("Cache-Control", "max-age=60")), request: CacheControlDirectives.Parse(["no-store"])));
    }

    // Section 5.2.2.7: a shared cache stores no form of private.
    [Theory]
    [InlineData("private")]
    [InlineData("PRIVATE, max-age=60")]
    [InlineData("private=\"X-User\", public, s-maxage=60")]
    public void Private_in_any_form_prevents_storing(string cacheControl)
    {
        Assert.Equal("private", Reason(Response(("Cache-Control", cacheControl))));
    }

    // Section 4.1: "A stored response with a Vary header field value containing a member '*' always fails to match."
    [Fact]
    public void Vary_star_prevents_storing()
    {
        Assert.Equal("vary_star", Reason(Response(("Vary", "Accept-Encoding, *"))));
    }

    // Set-Cookie2 (RFC 2965, obsoleted by RFC 6265) sets a cookie too; stored, it was replayed without its cookie.
    [Theory]
    [InlineData("Set-Cookie")]
    [InlineData("Set-Cookie2")]
    public void A_response_that_sets_a_cookie_is_not_stored(string field)
    {
        Assert.Equal("set_cookie", Reason(Response(("Cache-Control", "public, max-age=60"), (field, "session=abc"))));
    }

    // Section 3.5: answers to requests with Authorization only with public, s-maxage or must-revalidate.
    [Theory]
    [InlineData("max-age=60", "authorization")]
    [InlineData("", "authorization")]
    [InlineData("s-maxage=bad", "authorization")]
    [InlineData("public", null)]
    [InlineData("s-maxage=60", null)]
    [InlineData("must-revalidate, max-age=60", null)]
    public void An_authorized_request_is_stored_only_when_the_response_allows_it(string cacheControl, string? expected)
    {
        Assert.Equal(expected, Reason(Response(("Cache-Control", cacheControl)), authorization: true));
        Assert.Null(Reason(Response(("Cache-Control", cacheControl))));
    }

    // Section 5.2.2.4: no-cache allows storing, it only requires validation before each use.
    [Fact]
    public void A_no_cache_response_is_stored_but_marked_for_validation_every_time()
    {
        using var response = Response(("Cache-Control", "no-cache=\"Set-Cookie\", max-age=60"));
        var decision = Evaluate(response);
        Assert.True(decision.Storable);
        Assert.True(decision.Freshness.AlwaysRevalidate);
        Assert.False(decision.Freshness.IsFresh(Noon));
    }

    [Fact]
    public void Vary_names_are_lower_case_sorted_and_unique()
    {
        using var response = Response(("Vary", "Accept-Encoding, Origin"), ("Vary", "accept-encoding,, Accept-Language"));
        Assert.Equal(["accept-encoding", "accept-language", "origin"], Evaluate(response).Vary);
        using var plain = Response();
        Assert.Empty(Evaluate(plain).Vary);
    }
}
