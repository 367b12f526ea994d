using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StreamForge.Gateway.Storage.FileSystem;

namespace StreamForge.Gateway.Tests.Storage;

public sealed class TempFileSweeperTests : IDisposable
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromHours(24);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sf-sweep-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public TempFileSweeperTests() => Directory.CreateDirectory(_folder);

    private TempFileSweeper Sweeper => new(_time, NullLogger<TempFileSweeper>.Instance);

    [Fact]
    public void Removes_temp_files_nobody_holds_however_young_and_leaves_nothing_of_its_own()
    {
        var abandoned = CreateFile("abandoned", writtenAgo: TimeSpan.Zero);

        Assert.Equal(1, Sweeper.Sweep(_folder, MaxAge));

        Assert.False(File.Exists(abandoned));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void Keeps_a_temp_file_a_live_writer_holds_while_it_is_younger_than_the_bound()
    {
        var path = CreateFile("live", writtenAgo: MaxAge - TimeSpan.FromMinutes(1));
        using var writer = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None);

        Assert.Equal(0, Sweeper.Sweep(_folder, MaxAge));

        Assert.True(File.Exists(path));
        writer.Write([1, 2, 3]); // The writer's file is still the one in the folder.
        writer.Flush();
        Assert.Equal(1003, new FileInfo(path).Length);
    }

    [Fact]
    public void Removes_a_held_temp_file_not_written_for_longer_than_the_bound()
    {
        var path = CreateFile("hung", writtenAgo: MaxAge + TimeSpan.FromMinutes(1));
        using var writer = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None);

        Assert.Equal(1, Sweeper.Sweep(_folder, MaxAge));

        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_missing_temp_folder_is_nothing_to_sweep()
    {
        Assert.Equal(0, Sweeper.Sweep(Path.Combine(_folder, "never-created"), MaxAge));
    }

    private string CreateFile(string name, TimeSpan writtenAgo)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, new byte[1000]);
        File.SetLastWriteTimeUtc(path, _time.GetUtcNow().UtcDateTime - writtenAgo);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
