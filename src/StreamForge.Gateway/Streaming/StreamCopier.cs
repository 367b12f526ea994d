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
        // One timer per stream, re-armed around every read and every write: it measures a stall, not the
        // length of the stream.
        using var stallTimer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long total = 0;
        try
        {
            while (true)
            {
                // Kestrel completes writes silently once the client is gone; only the token tells.
                cancellationToken.ThrowIfCancellationRequested();
                var (read, readFailure) = await ReadAsync(source, buffer.AsMemory(0, options.ChunkSize), stallTimer, options, cancellationToken);
                if (readFailure is { } failed)
                {
                    return failed with { BytesCopied = total };
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

                if (options.ExpectedLength == total + read && await ConfirmEndAsync(source, stallTimer, options, cancellationToken) is { } endFailure)
                {
                    return endFailure with { BytesCopied = total };
                }

                if (await WriteChunkAsync(destination, buffer.AsMemory(0, read), stallTimer, options, cancellationToken) is { } writeFailure)
                {
                    return writeFailure with { BytesCopied = total + writeFailure.BytesCopied };
                }

                total += read;
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

    /// <summary>
    /// Holds the final bytes back until the source confirms its end. Storage clients verify a body when they
    /// reach its end (AWSSDK checks a whole-object GET's MD5 on the read that returns 0), so a corrupt body
    /// must fail before its last bytes go out: the client then sees a truncated response, never a complete one.
    /// </summary>
    private static async Task<CopyResult?> ConfirmEndAsync(Stream source, CancellationTokenSource stallTimer, CopyOptions options, CancellationToken cancellationToken)
    {
        var probe = new byte[1];
        var (extra, failure) = await ReadAsync(source, probe, stallTimer, options, cancellationToken);
        return failure ?? (extra == 0
            ? null
            : new CopyResult(CopyOutcome.SourceFailed, 0, new InvalidDataException($"the source sent more than {options.ExpectedLength} bytes")));
    }

    /// <summary>One read under the stall timer: the bytes read, or the outcome that ends the copy.</summary>
    private static async Task<(int Read, CopyResult? Failure)> ReadAsync(
        Stream source, Memory<byte> buffer, CancellationTokenSource stallTimer, CopyOptions options, CancellationToken cancellationToken)
    {
        try
        {
            stallTimer.CancelAfter(options.StallTimeout);
            var read = await source.ReadAsync(buffer, stallTimer.Token);
            stallTimer.CancelAfter(Timeout.InfiniteTimeSpan);
            return (read, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (0, new CopyResult(CopyOutcome.SourceStalled, 0));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (0, new CopyResult(CopyOutcome.SourceFailed, 0, ex));
        }
    }

    /// <summary>Writes one chunk, in throttle-sized steps; null when all of it was written.</summary>
    private static async Task<CopyResult?> WriteChunkAsync(
        Stream destination, ReadOnlyMemory<byte> chunk, CancellationTokenSource stallTimer, CopyOptions options, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < chunk.Length;)
        {
            var size = options.Throttle?.NextWriteSize(chunk.Length - offset) ?? chunk.Length - offset;
            if (options.Throttle is { } throttle && await throttle.WaitAsync(size, cancellationToken) is { Ticks: > 0 } waited)
            {
                options.Observer?.OnThrottled(waited);
            }

            if (await WriteAsync(destination, chunk.Slice(offset, size), stallTimer, options, cancellationToken) is { } failure)
            {
                return failure with { BytesCopied = offset };
            }

            offset += size;
            options.Observer?.OnCopied(size);
        }

        return null;
    }

    /// <summary>One write under the stall timer; null when it succeeded.</summary>
    private static async Task<CopyResult?> WriteAsync(
        Stream destination, ReadOnlyMemory<byte> bytes, CancellationTokenSource stallTimer, CopyOptions options, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            // Time spent throttled is outside the timer, so a paced stream never looks stalled.
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
