namespace StreamForge.Bench.Measuring;

/// <summary>One GET of a whole object, counted into a reused buffer and checked against Content-Length.</summary>
internal static class Download
{
    /// <summary>1 MiB reads: few enough syscalls that the client is never what limits a loopback stream.</summary>
    public const int BufferSize = 1 << 20;

    public static async Task<long> WholeAsync(Uri uri, byte[] buffer, CancellationToken cancellationToken)
    {
        using var connection = await RawHttpConnection.OpenAsync(uri, receiveBufferSize: null, cancellationToken);
        var head = await connection.GetAsync(uri, range: null, cancellationToken);
        if (head.Status != 200)
        {
            throw new BenchException($"GET {uri}: status {head.Status}");
        }

        long total = 0;
        while (head.ContentLength is not { } expected || total < expected)
        {
            var read = await connection.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        if (head.ContentLength is { } length && total != length)
        {
            throw new BenchException($"GET {uri}: body ended after {total} of {length} bytes");
        }

        return total;
    }
}
