using Microsoft.Extensions.Time.Testing;
using StreamForge.Gateway.Diagnostics;

namespace StreamForge.Gateway.Tests.Diagnostics;

public sealed class RollingFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "streamforge-unit", "rolling-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 23, 59, 0, TimeSpan.Zero));

    [Fact]
    public void A_full_file_is_closed_and_the_next_one_started()
    {
        using (var file = new RollingFile(Settings(maxFileSize: 100, retained: 10), _directory, _time))
        {
            for (var i = 0; i < 5; i++)
            {
                Write(file, 40); // two lines fit in 100 bytes, the third starts a new file
            }
        }

        Assert.Equal(["access-20260301.1.jsonl", "access-20260301.2.jsonl", "access-20260301.jsonl"], Files());
        Assert.Equal(80, new FileInfo(Path.Combine(_directory, "access-20260301.jsonl")).Length);
        Assert.Equal(40, new FileInfo(Path.Combine(_directory, "access-20260301.2.jsonl")).Length);
    }

    [Fact]
    public void A_new_day_starts_a_new_file_and_old_files_beyond_the_limit_go()
    {
        using (var file = new RollingFile(Settings(maxFileSize: 1 << 20, retained: 2), _directory, _time))
        {
            Write(file, 10);
            _time.Advance(TimeSpan.FromMinutes(2));
            Write(file, 10);
            _time.Advance(TimeSpan.FromDays(1));
            File.SetLastWriteTimeUtc(Path.Combine(_directory, "access-20260301.jsonl"), DateTime.UtcNow.AddDays(-2));
            Write(file, 10);
        }

        Assert.Equal(["access-20260302.jsonl", "access-20260303.jsonl"], Files());
    }

    [Fact]
    public void Numbers_keep_counting_up_once_the_oldest_files_are_deleted()
    {
        using (var file = new RollingFile(Settings(maxFileSize: 100, retained: 3), _directory, _time))
        {
            for (var i = 0; i < 12; i++)
            {
                Write(file, 40); // two lines a file: numbers 0 to 5, of which the newest three stay
            }

            Assert.Equal(["access-20260301.3.jsonl", "access-20260301.4.jsonl", "access-20260301.5.jsonl"], Files());
            Write(file, 40);
        }

        // The next file is 6, not the base name the deletions freed (the newest lines under the oldest name).
        Assert.Equal(["access-20260301.4.jsonl", "access-20260301.5.jsonl", "access-20260301.6.jsonl"], Files());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static AccessLogSettings Settings(long maxFileSize, int retained) =>
        AccessLogSettings.Default with { MaxFileSize = maxFileSize, RetainedFiles = retained };

    private static void Write(RollingFile file, int length) => file.For(length).Write(new byte[length]);

    private string[] Files() => [.. Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
}
