using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StreamForge.Gateway.Caching;
using StreamForge.Gateway.Diagnostics;

namespace StreamForge.Gateway.Tests.Caching;

public sealed class EdgeCacheVersionTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly string _folder = Directory.CreateTempSubdirectory("edge-cache-versions").FullName;
    private readonly EdgeCache _cache;

    public EdgeCacheVersionTests() => _cache = new EdgeCache(
        new CacheSettings(_folder, CacheSettings.DefaultMaxSize), new CacheMetrics(_services.GetRequiredService<IMeterFactory>(), new GatewayInstance()),
        NullLogger<EdgeCache>.Instance, TimeProvider.System);

    private static readonly CacheKey Key = new("media", "movie.mp4");

    private static CachedVersion Version(string etag) =>
        new(Key, etag, null, 1000, "video/mp4", 256, Freshness.ForStorage(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5), TimeSpan.Zero));

    [Fact]
    public void A_reader_of_an_old_version_drops_only_that_version_not_the_one_stored_since()
    {
        var old = Version("\"v1\"");
        var current = Version("\"v2\"");
        _cache.Save(old);
        _cache.Save(current);

        Assert.False(_cache.Drop(old));
        Assert.Equal(current.Tag, _cache.Find(Key)?.Tag);

        Assert.True(_cache.Drop(current));
        Assert.Null(_cache.Find(Key));
    }

    [Fact]
    public void A_lookup_that_started_before_an_upload_removed_its_key_is_told_so()
    {
        var before = _cache.RemovalMark;
        _cache.Remove(new CacheKey("media", "other.mp4"));
        Assert.False(_cache.RemovedSince(Key, before)); // Another key's upload says nothing about this one.

        _cache.Remove(Key); // Nothing stored yet: a cold read is on its way.
        Assert.True(_cache.RemovedSince(Key, before));
        Assert.False(_cache.RemovedSince(Key, _cache.RemovalMark));
    }

    [Fact]
    public void A_lookup_older_than_every_mark_kept_is_told_its_key_may_have_been_removed()
    {
        var before = _cache.RemovalMark;
        for (var upload = 0; upload < 10_000; upload++)
        {
            _cache.Remove(new CacheKey("media", $"upload-{upload}.mp4"));
        }

        Assert.True(_cache.RemovedSince(Key, before));
        Assert.False(_cache.RemovedSince(Key, _cache.RemovalMark));
    }

    [Fact]
    public void A_purge_of_a_URL_tells_a_look_at_any_variant_of_it_even_with_nothing_stored()
    {
        var before = _cache.RemovalMark;
        _cache.Purge("media", "movie.mp4", prefix: false);

        Assert.True(_cache.RemovedSince(Key, before));
        Assert.True(_cache.RemovedSince(new CacheKey("media", "movie.mp4", "accept-language: fr"), before));
        Assert.False(_cache.RemovedSince(new CacheKey("media", "other.mp4"), before));
    }

    public void Dispose()
    {
        _cache.Dispose();
        _services.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
