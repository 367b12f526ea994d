using System.Text.Json;
using StreamForge.Gateway.Caching;
using static StreamForge.Gateway.Tests.Caching.CachingFixtures;

namespace StreamForge.Gateway.Tests.Caching;

// RFC 9111 section 4.2 (freshness, age) and RFC 5861 (stale-while-revalidate, stale-if-error) on a stored response.
public sealed class FreshnessTests
{
    private static Freshness Stored(
        int lifetime = 60, int initialAge = 0, int swr = 0, int sie = 0, bool alwaysRevalidate = false, bool mustRevalidate = false) =>
        new(Noon, TimeSpan.FromSeconds(initialAge), TimeSpan.FromSeconds(lifetime), TimeSpan.FromSeconds(swr),
            TimeSpan.FromSeconds(sie), alwaysRevalidate, mustRevalidate);

    private static DateTimeOffset After(int seconds) => Noon.AddSeconds(seconds);

    // Section 4.2.3: current_age = corrected_initial_age + resident_time.
    [Fact]
    public void Current_age_is_the_initial_age_plus_the_time_resident()
    {
        var stored = Stored(initialAge: 30);
        Assert.Equal(TimeSpan.FromSeconds(30), stored.CurrentAge(Noon));
        Assert.Equal(TimeSpan.FromSeconds(75), stored.CurrentAge(After(45)));
    }

    [Fact]
    public void A_clock_that_went_backwards_does_not_make_a_response_younger()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), Stored(initialAge: 30).CurrentAge(After(-100)));
    }

    // Section 4.2: response_is_fresh = (freshness_lifetime > current_age).
    [Fact]
    public void Fresh_while_the_lifetime_exceeds_the_age_and_stale_from_the_moment_they_are_equal()
    {
        var stored = Stored(lifetime: 60, initialAge: 10);
        Assert.True(stored.IsFresh(After(49)));
        Assert.False(stored.IsFresh(After(50)));
        Assert.Equal(TimeSpan.FromSeconds(1), stored.TimeToLive(After(49)));
        Assert.Equal(TimeSpan.FromSeconds(-20), stored.TimeToLive(After(70)));
    }

    // Section 5.2.2.4: no-cache responses are stored but never used without validation.
    [Fact]
    public void A_no_cache_response_is_never_fresh_nor_served_stale()
    {
        var stored = Stored(lifetime: 60, swr: 60, sie: 600, alwaysRevalidate: true);
        Assert.False(stored.IsFresh(Noon));
        Assert.False(stored.MayServeWhileRevalidating(After(61)));
        Assert.False(stored.MayServeOnError(Noon));
        Assert.False(stored.MayServeOnError(After(61)));
    }

    // RFC 5861 section 3.
    [Fact]
    public void Stale_while_revalidate_covers_only_its_window_after_expiry()
    {
        var stored = Stored(lifetime: 60, swr: 30);
        Assert.False(stored.MayServeWhileRevalidating(After(59)));
        Assert.True(stored.MayServeWhileRevalidating(After(60)));
        Assert.True(stored.MayServeWhileRevalidating(After(89)));
        Assert.False(stored.MayServeWhileRevalidating(After(90)));
        Assert.False(Stored(lifetime: 60).MayServeWhileRevalidating(After(60)));
    }

    // RFC 5861 section 4; a fresh response may stand in for a failed origin as well.
    [Fact]
    public void Stale_if_error_covers_fresh_responses_and_its_window_after_expiry()
    {
        var stored = Stored(lifetime: 60, sie: 600);
        Assert.True(stored.MayServeOnError(After(10)));
        Assert.True(stored.MayServeOnError(After(659)));
        Assert.False(stored.MayServeOnError(After(660)));
    }

    // RFC 9111 section 4.2.4: must-revalidate (and proxy-revalidate, s-maxage) forbid generating stale responses.
    [Fact]
    public void Must_revalidate_forbids_every_kind_of_stale_serving()
    {
        var stored = Stored(lifetime: 60, swr: 60, sie: 600, mustRevalidate: true);
        Assert.True(stored.MayServeOnError(After(30)));
        Assert.False(stored.MayServeWhileRevalidating(After(61)));
        Assert.False(stored.MayServeOnError(After(61)));
    }

    [Fact]
    public void Storage_routes_are_fresh_for_the_ttl_after_validation_then_serve_stale_on_error()
    {
        var stored = Freshness.ForStorage(Noon, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));
        Assert.Equal(TimeSpan.Zero, stored.CurrentAge(Noon));
        Assert.True(stored.IsFresh(After(299)));
        Assert.False(stored.IsFresh(After(300)));
        Assert.False(stored.MayServeWhileRevalidating(After(300)));
        Assert.True(stored.MayServeOnError(After(899)));
        Assert.False(stored.MayServeOnError(After(900)));
    }

    [Theory]
    [InlineData("max-age=2", 2)]
    [InlineData("s-maxage=30, max-age=600", 30)]
    [InlineData("public, max-age=31536000, immutable", 300)]
    [InlineData("max-age=abc", 0)]
    [InlineData("public", 300)]
    public void A_storage_routes_Cache_Control_shortens_the_ttl_never_lengthens_it(string served, int lifetimeSeconds)
    {
        var stored = Freshness.ForStorage(Noon, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), CacheControlDirectives.Parse([served]));
        Assert.Equal(TimeSpan.FromSeconds(lifetimeSeconds), stored.Lifetime);
    }

    [Theory]
    [InlineData("no-cache")]
    [InlineData("no-store")]
    public void A_storage_key_served_as_no_cache_is_never_fresh_and_never_served_stale(string served)
    {
        var stored = Freshness.ForStorage(Noon, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), CacheControlDirectives.Parse([served]));
        Assert.False(stored.IsFresh(Noon));
        Assert.False(stored.MayServeOnError(After(1)));
    }

    [Fact]
    public void A_storage_keys_must_revalidate_forbids_stale_if_error_and_its_own_stale_if_error_wins()
    {
        var strict = Freshness.ForStorage(Noon, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), CacheControlDirectives.Parse(["max-age=60, must-revalidate"]));
        Assert.False(strict.MayServeOnError(After(61)));
        var lenient = Freshness.ForStorage(Noon, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), CacheControlDirectives.Parse(["max-age=60, stale-if-error=5"]));
        Assert.True(lenient.MayServeOnError(After(64)));
        Assert.False(lenient.MayServeOnError(After(65)));
    }

    // The engine persists Freshness next to the slices.
    [Fact]
    public void Round_trips_through_system_text_json()
    {
        var stored = Stored(lifetime: 60, initialAge: 7, swr: 5, sie: 600, alwaysRevalidate: true, mustRevalidate: true);
        var json = JsonSerializer.Serialize(stored);
        Assert.Equal(stored, JsonSerializer.Deserialize<Freshness>(json));
        Assert.DoesNotContain("CurrentAge", json, StringComparison.Ordinal);
    }
}
