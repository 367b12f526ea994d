using System.Buffers;

namespace StreamForge.Gateway.Streaming;

/// <summary>Reads and drops the first bytes of a body: what an origin that ignores Range sends before the ones wanted.</summary>
internal static class StreamSkipping
{
    private const int BufferSize = 64 * 1024;

    /// <param name="readTimeout">How long one read may wait for the source (a stall), or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    /// <exception cref="IOException">The body ended first.</exception>
    /// <exception cref="TimeoutException">A read waited longer than <paramref name="readTimeout"/>.</exception>
    public static async Task SkipAsync(Stream source, long count, TimeSpan readTimeout, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return;
        }

        using var stall = readTimeout == Timeout.InfiniteTimeSpan ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (count > 0)
            {
                stall?.CancelAfter(readTimeout);
                var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), stall?.Token ?? cancellationToken);
                count -= read > 0 ? read : throw new IOException($"the body ended {count} bytes before the ones wanted");
            }
        }
        catch (OperationCanceledException) when (stall is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the source sent nothing for {readTimeout.TotalSeconds} s");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
