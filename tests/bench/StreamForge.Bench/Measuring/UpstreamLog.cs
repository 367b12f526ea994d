namespace StreamForge.Bench.Measuring;

/// <summary>
/// What a cache's upstream sent, read from the upstream's own log, the same way for every contender: a mark
/// (the log's length) before a measurement, then the bytes and requests logged for one object since the mark.
/// A server logs a request when it ends, so <see cref="SinceAsync"/> first waits until the log has been quiet
/// for <see cref="QuietFor"/>: a fill still running when the clients are done is counted too.
/// </summary>
internal abstract class UpstreamLog(string path)
{
    private static readonly TimeSpan QuietFor = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    public string Path { get; } = path;

    /// <summary>Why this upstream cannot be counted (e.g. the launcher has no request log); null when it can.</summary>
    public virtual string? Unavailable => null;

    public long Mark() => File.Exists(Path) ? new FileInfo(Path).Length : 0;

    public async Task<UpstreamTraffic> SinceAsync(long mark, string objectName, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + MaxWait;
        var length = Mark();
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(QuietFor, cancellationToken);
            var now = Mark();
            if (now == length)
            {
                break;
            }

            length = now;
        }

        long bytes = 0;
        var requests = 0;
        await using var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(Math.Min(mark, file.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(file);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (Parse(line) is { } entry && IsObject(entry.Target, objectName))
            {
                bytes += entry.Bytes;
                requests++;
            }
        }

        return new UpstreamTraffic(bytes, requests);
    }

    /// <summary>One log line: the request target (URI or key) and the body bytes sent; null for lines that are not requests.</summary>
    protected abstract (string Target, long Bytes)? Parse(string line);

    private static bool IsObject(string target, string objectName)
    {
        var path = target.Split('?')[0];
        return path == objectName || path.EndsWith("/" + objectName, StringComparison.Ordinal);
    }
}

/// <summary>Bytes and requests an upstream served for one object during a measurement.</summary>
internal readonly record struct UpstreamTraffic(long Bytes, int Requests);
