using System.Globalization;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>
/// The access log's current file: <c>access-yyyyMMdd.jsonl</c>, then <c>access-yyyyMMdd.1.jsonl</c>, ... when a file
/// reaches its size limit; a new date starts a new file. Only the newest <c>RetainedFiles</c> are kept.
/// Used by the single writer task only.
/// </summary>
internal sealed class RollingFile(AccessLogSettings settings, string directory, TimeProvider time) : IDisposable
{
    private const string Prefix = "access-";
    private const string Extension = ".jsonl";

    private FileStream? _file;
    private DateOnly _date;

    /// <summary>The stream to append the next line of <paramref name="length"/> bytes to, rolled over first if needed.</summary>
    public Stream For(int length)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        // Position, not Length: the file is ours alone and opened to append, so they agree, and Length asks the
        // kernel (fstat) on every line.
        if (_file is not null && (today != _date || _file.Position + length > settings.MaxFileSize))
        {
            _file.Dispose();
            _file = null;
        }

        return _file ??= Open(today, length);
    }

    public void Flush() => _file?.Flush();

    public void Dispose() => _file?.Dispose();

    /// <summary>The day's newest file if the line fits in it (a restart continues it), else the next number.</summary>
    private FileStream Open(DateOnly date, int length)
    {
        Directory.CreateDirectory(directory);
        _date = date;
        var day = date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        // The highest number of the day, not the first gap: once old files are deleted, the gap is at the bottom, and
        // reusing it put the newest lines under the oldest name.
        var numbers = LogFiles().Where(f => f.Day == day).Select(f => f.Number).ToList();
        var n = numbers.Count == 0 ? 0 : numbers.Max();
        var path = PathOf(day, n);
        if (File.Exists(path) && new FileInfo(path).Length + length > settings.MaxFileSize)
        {
            path = PathOf(day, n + 1);
        }

        var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        DeleteOldFiles();
        return file;
    }

    private string PathOf(string day, int n) =>
        Path.Combine(directory, n == 0 ? Prefix + day + Extension : string.Create(CultureInfo.InvariantCulture, $"{Prefix}{day}.{n}{Extension}"));

    /// <summary>Keeps the newest <c>RetainedFiles</c> by the day and number in their names (the order they were written in).</summary>
    private void DeleteOldFiles()
    {
        foreach (var old in LogFiles().OrderByDescending(f => f.Day, StringComparer.Ordinal).ThenByDescending(f => f.Number).Skip(settings.RetainedFiles))
        {
            old.File.Delete();
        }
    }

    /// <summary>The access log's files, <c>access-yyyyMMdd.jsonl</c> (number 0) and <c>access-yyyyMMdd.n.jsonl</c>; other files are left alone.</summary>
    private IEnumerable<(FileInfo File, string Day, int Number)> LogFiles()
    {
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles(Prefix + "*" + Extension))
        {
            var middle = file.Name[Prefix.Length..^Extension.Length];
            var dot = middle.IndexOf('.', StringComparison.Ordinal);
            var day = dot < 0 ? middle : middle[..dot];
            if (day.Length != 8 || !day.All(char.IsAsciiDigit))
            {
                continue;
            }

            if (dot < 0)
            {
                yield return (file, day, 0);
            }
            else if (int.TryParse(middle[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0)
            {
                yield return (file, day, number);
            }
        }
    }
}
