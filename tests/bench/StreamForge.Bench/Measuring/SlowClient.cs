using System.Diagnostics;

namespace StreamForge.Bench.Measuring;

/// <summary>
/// A client that reads at a fixed rate through a small, fixed receive window, like a player on a slow link:
/// the proxy must hold back rather than read the upstream ahead into memory.
/// </summary>
internal static class SlowClient
{
    /// <summary>Bytes received, or -1 when the request failed (wrong status, connection refused or reset).</summary>
    public static async Task<long> ReadAsync(Uri uri, long bytesPerSecond, int receiveBuffer, TimeSpan duration, CancellationToken cancellationToken)
    {
        try
        {
            using var connection = await RawHttpConnection.OpenAsync(uri, receiveBuffer, cancellationToken);
            var head = await connection.GetAsync(uri, range: null, cancellationToken);
            if (head.Status != 200)
            {
                return -1;
            }

            var buffer = new byte[receiveBuffer];
            var clock = Stopwatch.StartNew();
            long total = 0;
            while (clock.Elapsed < duration)
            {
                var read = await connection.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                total += read;
                // Pace on the running total, so timer slack in one wait is made up by the next.
                var now = clock.Elapsed;
                var wait = TimeSpan.FromSeconds((double)total / bytesPerSecond) - now;
                var left = duration - now;
                if (wait > left)
                {
                    wait = left;
                }

                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }
            }

            // Closing with unread data resets the connection: the proxy sees the client leave, as a player's seek does.
            return total;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or BenchException)
        {
            return -1;
        }
    }
}
