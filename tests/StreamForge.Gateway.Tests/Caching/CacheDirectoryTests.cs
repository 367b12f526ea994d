using StreamForge.Gateway.Caching;

namespace StreamForge.Gateway.Tests.Caching;

/// <summary>What a start finds in the cache's directory: stored versions and their whole slices; everything else goes.</summary>
public sealed class CacheDirectoryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cache-directory-" + Guid.NewGuid().ToString("N"));
    private readonly CacheDirectory _directory;

    public CacheDirectoryTests() => _directory = new CacheDirectory(_root);

    [Fact]
    public void A_written_version_and_its_whole_slices_are_found_again_oldest_first()
    {
        var version = Version("movie.mp4", length: 250, sliceSize: 100);
        _directory.WriteVersion(version);
        var last = Slice(version, 2, 50, writtenAt: new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var first = Slice(version, 0, 100, writtenAt: new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc));

        var (versions, slices) = _directory.Scan();

        Assert.Equal(version, Assert.Single(versions));
        Assert.Equal([(last, 50L), (first, 100L)], slices);
    }

    [Fact]
    public void Torn_slices_temp_files_and_slices_of_another_version_are_deleted()
    {
        var version = Version("movie.mp4", length: 250, sliceSize: 100);
        _directory.WriteVersion(version);
        var torn = Slice(version, 1, 60);
        var pastTheEnd = Slice(version, 3, 100);
        var temp = torn + ".0123.tmp";
        File.WriteAllBytes(temp, new byte[10]);
        var stale = Path.Combine(Path.GetDirectoryName(torn)!, "0000000000000000.0");
        File.WriteAllBytes(stale, new byte[100]);

        var (_, slices) = _directory.Scan();

        Assert.Empty(slices);
        Assert.All(new[] { torn, pastTheEnd, temp, stale }, path => Assert.False(File.Exists(path), path));
    }

    [Fact]
    public void An_entry_without_a_readable_version_is_deleted_whole()
    {
        var version = Version("movie.mp4", length: 100, sliceSize: 100);
        _directory.WriteVersion(version);
        var slice = Slice(version, 0, 100);
        var entry = Path.GetDirectoryName(slice)!;
        File.WriteAllText(Path.Combine(entry, "meta.json"), "{ not json");

        var (versions, slices) = _directory.Scan();

        Assert.Empty(versions);
        Assert.Empty(slices);
        Assert.False(Directory.Exists(entry));
    }

    [Fact]
    public void Dropping_slices_keeps_the_named_version_and_running_fills()
    {
        var old = Version("movie.mp4", length: 100, sliceSize: 100, etag: "\"v1\"");
        var current = Version("movie.mp4", length: 100, sliceSize: 100, etag: "\"v2\"");
        _directory.WriteVersion(current);
        var oldSlice = Slice(old, 0, 100);
        var currentSlice = Slice(current, 0, 100);
        var filling = _directory.SlicePath(current, 1) + ".abcd.tmp";
        File.WriteAllBytes(filling, new byte[1]);

        Assert.Equal([oldSlice], _directory.SlicesOtherThan(old.Key.Id, keepTag: current.Tag));
        Assert.Equal(new[] { currentSlice, oldSlice }.Order(), _directory.SlicesOtherThan(old.Key.Id, keepTag: null).Order());
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static CachedVersion Version(string key, long length, long sliceSize, string etag = "\"abc\"") =>
        new(new CacheKey("s3:bucket", key), etag, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), length, "video/mp4", sliceSize,
            Freshness.ForStorage(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(1), TimeSpan.Zero));

    private string Slice(CachedVersion version, long index, int length, DateTime? writtenAt = null)
    {
        var path = _directory.SlicePath(version, index);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[length]);
        if (writtenAt is { } time)
        {
            File.SetLastWriteTimeUtc(path, time);
        }

        return path;
    }
}
