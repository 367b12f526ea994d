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
        var stem = Prefix + date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var n = 0;
        while (File.Exists(PathOf(stem, n + 1)))
        {
            n++;
        }

        if (File.Exists(PathOf(stem, n)) && new FileInfo(PathOf(stem, n)).Length + length > settings.MaxFileSize)
        {
            n++;
        }

        var file = new FileStream(PathOf(stem, n), FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        DeleteOldFiles();
        return file;
    }

    private string PathOf(string stem, int n) =>
        Path.Combine(directory, n == 0 ? stem + Extension : string.Create(CultureInfo.InvariantCulture, $"{stem}.{n}{Extension}"));

    private void DeleteOldFiles()
    {
        var files = new DirectoryInfo(directory).GetFiles(Prefix + "*" + Extension)
            .OrderByDescending(file => file.LastWriteTimeUtc).ThenByDescending(file => file.Name, StringComparer.Ordinal)
            .Skip(settings.RetainedFiles);
        foreach (var file in files)
        {
            file.Delete();
        }
    }
}
