using System.IO.Hashing;

namespace StreamForge.Bench.Measuring;

/// <summary>
/// One GET of a whole object through a cache: as <see cref="Download"/>, and also what the cache said
/// (<see cref="CacheStatus"/>) and, when asked, an XXH128 of the body to compare with the file's.
/// </summary>
internal static class CachedGet
{
    public static async Task<CachedResponse> WholeAsync(Uri uri, byte[] buffer, bool hash, CancellationToken cancellationToken)
    {
        using var connection = await RawHttpConnection.OpenAsync(uri, receiveBufferSize: null, cancellationToken);
        return await ReadAsync(connection, uri, buffer, hash, cancellationToken);
    }

    /// <summary>Sends the GET on a connection opened beforehand (the stampede connects everyone first).</summary>
    public static async Task<CachedResponse> ReadAsync(RawHttpConnection connection, Uri uri, byte[] buffer, bool hash, CancellationToken cancellationToken)
    {
        var head = await connection.GetAsync(uri, range: null, cancellationToken);
        if (head.Status != 200)
        {
            throw new BenchException($"GET {uri}: status {head.Status}");
        }

        var hasher = hash ? new XxHash128() : null;
        long total = 0;
        while (head.ContentLength is not { } expected || total < expected)
        {
            var read = await connection.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            hasher?.Append(buffer.AsSpan(0, read));
            total += read;
        }

        if (head.ContentLength is { } length && total != length)
        {
            throw new BenchException($"GET {uri}: body ended after {total} of {length} bytes");
        }

        return new CachedResponse(total, CacheStatus.Of(head), hasher?.GetCurrentHashAsUInt128());
    }

    public static UInt128 HashFile(string path)
    {
        var hasher = new XxHash128();
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        hasher.Append(file);
        return hasher.GetCurrentHashAsUInt128();
    }
}

/// <param name="CacheStatus">See <see cref="Measuring.CacheStatus"/>; null when no cache answered.</param>
/// <param name="Hash">XXH128 of the body, when asked for.</param>
internal sealed record CachedResponse(long Bytes, string? CacheStatus, UInt128? Hash);
