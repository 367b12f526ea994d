namespace StreamForge.Bench.Measuring;

/// <summary>One GET of a whole object (or of an open-ended range), counted into a reused buffer and checked against Content-Length.</summary>
internal static class Download
{
    /// <summary>1 MiB reads: few enough syscalls that the client is never what limits a loopback stream.</summary>
    public const int BufferSize = 1 << 20;

    public static Task<long> WholeAsync(Uri uri, byte[] buffer, CancellationToken cancellationToken) =>
        ReadAsync(uri, range: null, expectedStatus: 200, buffer, cancellationToken);

    /// <summary>Everything from <paramref name="first"/> to the end, as a player asks after a seek (<c>Range: bytes=first-</c>).</summary>
    public static Task<long> FromAsync(Uri uri, long first, byte[] buffer, CancellationToken cancellationToken) =>
        ReadAsync(uri, $"bytes={first}-", expectedStatus: 206, buffer, cancellationToken);

    private static async Task<long> ReadAsync(Uri uri, string? range, int expectedStatus, byte[] buffer, CancellationToken cancellationToken)
    {
        using var connection = await RawHttpConnection.OpenAsync(uri, receiveBufferSize: null, cancellationToken);
        var head = await connection.GetAsync(uri, range, cancellationToken);
        if (head.Status != expectedStatus)
        {
            throw new BenchException($"GET {uri} ({range ?? "whole"}): status {head.Status}");
        }

        // The body on a thread of its own, in blocking reads: an awaited read costs the client a hop from the socket
        // engine's thread to the thread pool per read, CPU that the 2 cores' other processes (proxy, server) then lack.
        using var cancel = cancellationToken.Register(connection.Dispose);
        var total = await Task.Factory.StartNew(
            () => ReadBody(connection, head.ContentLength, buffer), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (head.ContentLength is { } length && total != length)
        {
            throw new BenchException($"GET {uri}: body ended after {total} of {length} bytes");
        }

        return total;
    }

    private static long ReadBody(RawHttpConnection connection, long? expected, byte[] buffer)
    {
        long total = 0;
        while (expected is not { } length || total < length)
        {
            var read = connection.Read(buffer);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
