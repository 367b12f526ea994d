using StreamForge.Gateway.Caching;

namespace StreamForge.Gateway.Tests.Caching;

public sealed class VersionReadersTests
{
    private static readonly CachedVersion Version = VersionOf("\"v1\"");

    [Fact]
    public void A_version_is_read_until_its_last_reader_ends()
    {
        var readers = new VersionReaders();
        var first = readers.Begin(Version);
        var second = readers.Begin(Version);

        first.Dispose();
        Assert.True(readers.AnyOf(Version));
        second.Dispose();
        Assert.False(readers.AnyOf(Version));
    }

    [Fact]
    public void A_reader_disposed_twice_ends_once()
    {
        var readers = new VersionReaders();
        var first = readers.Begin(Version);
        using var second = readers.Begin(Version);

        first.Dispose();
        first.Dispose();

        Assert.True(readers.AnyOf(Version));
    }

    [Fact]
    public void Another_version_of_the_same_key_is_counted_apart()
    {
        var readers = new VersionReaders();
        using var reading = readers.Begin(Version);

        Assert.False(readers.AnyOf(VersionOf("\"v2\"")));
    }

    private static CachedVersion VersionOf(string etag) => new(
        new CacheKey("origin:media", "/movie.mp4"), etag, DateTimeOffset.UnixEpoch, 100, null, 100,
        Freshness.ForStorage(DateTimeOffset.UnixEpoch, TimeSpan.FromHours(1), TimeSpan.Zero));
}
