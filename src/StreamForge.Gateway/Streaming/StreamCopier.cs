using System.Buffers;
using System.Diagnostics;

namespace StreamForge.Gateway.Streaming;

/// <summary>
/// The one copy loop: read a chunk into a pooled buffer, wait for the throttle, write it, wait for the write
/// (Kestrel completes a response write only once its pipe is below the pause threshold), then read the next
/// chunk. A slow destination therefore stalls the source read, and throttling is a delay before a write,
/// never a read-ahead: memory per stream is one buffer, whatever the size.
/// </summary>
internal static class StreamCopier
{
    public static async Task<CopyResult> CopyAsync(Stream source, Stream destination, CopyOptions options, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(options.ChunkSize);
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
                    read = await source.ReadAsync(buffer.AsMemory(0, options.ChunkSize), cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    return new CopyResult(CopyOutcome.SourceFailed, total, ex);
                }

                if (read == 0)
                {
                    return options.ExpectedLength is { } expected && total != expected
                        ? new CopyResult(CopyOutcome.SourceFailed, total, new EndOfStreamException($"the source ended after {total} of {expected} bytes"))
                        : new CopyResult(CopyOutcome.Completed, total);
                }

                if (options.ExpectedLength is { } limit && total + read > limit)
                {
                    // A source that sends more than it announced is lying about something; never pass the excess on.
                    return new CopyResult(CopyOutcome.SourceFailed, total, new InvalidDataException($"the source sent more than {limit} bytes"));
                }

                for (var offset = 0; offset < read;)
                {
                    var size = options.Throttle?.NextWriteSize(read - offset) ?? read - offset;
                    if (options.Throttle is { } throttle && await throttle.WaitAsync(size, cancellationToken) is { Ticks: > 0 } waited)
                    {
                        options.Observer?.OnThrottled(waited);
                    }

                    var failure = await WriteAsync(destination, buffer.AsMemory(offset, size), stallTimer, options, cancellationToken);
                    if (failure is { } outcome)
                    {
                        return outcome with { BytesCopied = total };
                    }

                    offset += size;
                    total += size;
                    options.Observer?.OnCopied(size);
                }
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

    /// <summary>One write under the stall timer; null when it succeeded.</summary>
    private static async Task<CopyResult?> WriteAsync(
        Stream destination, ReadOnlyMemory<byte> bytes, CancellationTokenSource stallTimer, CopyOptions options, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            // The timer restarts for every write: it measures a stall, not the length of the stream. Time spent
            // throttled is outside it, so a paced stream never looks stalled.
            stallTimer.CancelAfter(options.StallTimeout);
            await destination.WriteAsync(bytes, stallTimer.Token);
            stallTimer.CancelAfter(Timeout.InfiniteTimeSpan);
            options.Observer?.OnBackpressure(Stopwatch.GetElapsedTime(started));
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new CopyResult(CopyOutcome.Stalled, 0);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new CopyResult(CopyOutcome.DestinationFailed, 0, ex);
        }
    }
}
