using System.Net;
using System.Text.Json;
using StreamForge.Gateway.Caching;
using static StreamForge.Gateway.Tests.Caching.CachingFixtures;

namespace StreamForge.Gateway.Tests.Caching;

// RFC 9111 sections 3.1 (what is stored) and 3.2 / 4.3.4 (freshening stored headers with a 304).
public sealed class StoredHeadersTests
{
    [Fact]
    public void Stores_end_to_end_fields_and_drops_hop_by_hop_and_cache_written_ones()
    {
        using var response = Response(
            ("Date", NoonText), ("ETag", "\"v1\""), ("Cache-Control", "max-age=60"), ("Content-Type", "video/mp4"),
            ("Last-Modified", NoonText), ("Connection", "close, X-Hop"), ("Keep-Alive", "timeout=5"), ("X-Hop", "1"),
            ("Proxy-Authenticate", "Basic"), ("Trailer", "X-Sum"), ("Upgrade", "h2c"), ("Age", "10"),
            ("Set-Cookie", "id=1"), ("Content-Range", "bytes 0-9/100"), ("Accept-Ranges", "bytes"), ("X-Custom", "kept"));
        response.Content.Headers.ContentLength = 10;
        response.Headers.TransferEncodingChunked = true;

        var stored = StoredHeaders.From(response);

        Assert.Equal(
            ["Date", "ETag", "Cache-Control", "Accept-Ranges", "X-Custom", "Content-Type", "Last-Modified"],
            stored.Fields.Select(f => f.Key));
        Assert.Equal("video/mp4", stored.Get("content-type"));
    }

    [Fact]
    public void Keeps_every_line_of_a_repeated_field_in_order()
    {
        using var response = Response(("Link", "<a>; rel=preload"), ("Link", "<b>; rel=preload"));
        var stored = StoredHeaders.From(response);
        Assert.Equal(["<a>; rel=preload", "<b>; rel=preload"], stored.GetAll("LINK"));
        Assert.Equal("<a>; rel=preload", stored.Get("link"));
        Assert.Null(stored.Get("X-Absent"));
    }

    // Section 3.2: fields in the 304 replace the stored ones of the same name; the rest stays.
    [Fact]
    public void A_304_replaces_the_fields_it_carries_and_keeps_the_others()
    {
        using var original = Response(
            ("Date", NoonText), ("ETag", "\"v1\""), ("Cache-Control", "max-age=60"), ("X-Multi", "a"), ("X-Multi", "b"),
            ("Content-Type", "video/mp4"), ("Content-Encoding", "gzip"));
        using var notModified = Response(HttpStatusCode.NotModified,
            ("Date", "Wed, 01 May 2024 12:10:00 GMT"), ("Cache-Control", "max-age=600"), ("X-Multi", "c"),
            ("Age", "3"), ("Set-Cookie", "s=1"), ("Connection", "keep-alive"), ("Content-Encoding", "br"));

        var updated = StoredHeaders.From(original).UpdatedBy(notModified);

        Assert.Equal("Wed, 01 May 2024 12:10:00 GMT", updated.Get("Date"));
        Assert.Equal("max-age=600", updated.Get("Cache-Control"));
        Assert.Equal(["c"], updated.GetAll("X-Multi"));
        Assert.Equal("\"v1\"", updated.Get("ETag"));
        Assert.Equal("video/mp4", updated.Get("Content-Type"));
        Assert.Equal("gzip", updated.Get("Content-Encoding")); // the stored bytes are gzip; a 304 cannot recode them
        Assert.Null(updated.Get("Age"));
        Assert.Null(updated.Get("Set-Cookie"));
        Assert.Null(updated.Get("Connection"));
    }

    [Fact]
    public void Round_trips_through_system_text_json()
    {
        using var response = Response(("ETag", "\"v1\""), ("Content-Type", "video/mp4"));
        var stored = StoredHeaders.From(response);
        var back = JsonSerializer.Deserialize<StoredHeaders>(JsonSerializer.Serialize(stored))!;
        Assert.Equal(stored.Fields, back.Fields);
    }
}
