using StreamForge.Gateway.Storage;
using StreamForge.Gateway.Storage.FileSystem;

namespace StreamForge.Gateway.Tests.Storage;

public sealed class FileStorePathsTests : IDisposable
{
    private readonly string _base = Path.Combine(Path.GetTempPath(), "sf-paths-" + Guid.NewGuid().ToString("N"));

    private string Root => Path.Combine(_base, "root");

    private static ObjectKey Key(string text) => ObjectKey.TryCreate(text, out var key, out _) ? key : throw new ArgumentException(text);

    [Fact]
    public void Maps_keys_below_the_root()
    {
        var paths = new FileStorePaths(Root);

        Assert.Equal(Path.Combine(Root, "a", "b.mp4"), paths.Resolve(Key("a/b.mp4")));
    }

    [Fact]
    public void Refuses_the_temp_folder()
    {
        Assert.Null(new FileStorePaths(Root).Resolve(Key(".streamforge-tmp/x")));
    }

    [Fact]
    public void Refuses_links_that_lead_outside_and_follows_links_that_stay_inside()
    {
        var paths = new FileStorePaths(Root);
        Directory.CreateDirectory(Path.Combine(_base, "outside"));
        Directory.CreateDirectory(Path.Combine(Root, "real"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "escape"), Path.Combine(_base, "outside"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "alias"), Path.Combine(Root, "real"));
        File.CreateSymbolicLink(Path.Combine(Root, "passwd"), "/etc/passwd");

        Assert.Null(paths.Resolve(Key("escape/file.txt")));
        Assert.Null(paths.Resolve(Key("passwd")));
        Assert.NotNull(paths.Resolve(Key("alias/file.txt")));
    }

    [Fact]
    public void A_root_reached_through_a_link_still_works()
    {
        Directory.CreateDirectory(Path.Combine(_base, "real-root"));
        Directory.CreateDirectory(_base);
        Directory.CreateSymbolicLink(Path.Combine(_base, "linked-root"), Path.Combine(_base, "real-root"));

        var paths = new FileStorePaths(Path.Combine(_base, "linked-root"));

        Assert.Equal(Path.Combine(_base, "real-root", "x.bin"), paths.Resolve(Key("x.bin")));
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);
}
