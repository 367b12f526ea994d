using System.Buffers;

namespace StreamForge.Gateway.Streaming;

/// <summary>
/// The one copy loop: read a chunk into a pooled buffer, write it, wait for the write (Kestrel completes a
/// response write only once its pipe is below the pause threshold), then read the next chunk. A slow
/// destination therefore stalls the source read: memory per stream is one buffer, whatever the size.
/// </summary>
internal static class StreamCopier
{
    /// <param name="expectedLength">When known, a source that ends early is a failure, not a short success.</param>
    /// <param name="onProgress">Called after each chunk reaches the destination (metrics).</param>
    public static async Task<CopyResult> CopyAsync(
        Stream source,
        Stream destination,
        int chunkSize,
        TimeSpan stallTimeout,
        long? expectedLength,
        Action<int>? onProgress,
        CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        using var stallTimer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long total = 0;
        try
        {
            while (true)
            {
                // Kestrel completes writes silently once the client is gone; only the token tells.
                cancellationToken.ThrowIfCancellationRequested();
                int read;
                try
                {
                    read = await source.ReadAsync(buffer.AsMemory(0, chunkSize), cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    return new CopyResult(CopyOutcome.SourceFailed, total, ex);
                }

                if (read == 0)
                {
                    if (expectedLength is { } expected && total != expected)
                    {
                        return new CopyResult(CopyOutcome.SourceFailed, total,
                            new EndOfStreamException($"the source ended after {total} of {expected} bytes"));
                    }

                    return new CopyResult(CopyOutcome.Completed, total);
                }

                try
                {
                    // The timer restarts for every chunk: it measures a stall, not the length of the stream.
                    stallTimer.CancelAfter(stallTimeout);
                    await destination.WriteAsync(buffer.AsMemory(0, read), stallTimer.Token);
                    stallTimer.CancelAfter(Timeout.InfiniteTimeSpan);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return new CopyResult(CopyOutcome.Stalled, total);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    return new CopyResult(CopyOutcome.DestinationFailed, total, ex);
                }

                total += read;
                onProgress?.Invoke(read);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new CopyResult(CopyOutcome.Canceled, total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
