using System.Buffers;
using System.IO.Pipelines;

namespace StreamForge.Gateway.Streaming;

/// <summary>
/// The copy loop: read a chunk, write it through the <see cref="StreamPacer"/> (throttle, stall timer, report), wait
/// until the destination accepted it (Kestrel completes a response write or flush only once its pipe is below the
/// pause threshold), then read the next chunk. A slow destination therefore stalls the source read: memory per
/// stream is one chunk, whatever the size. How the copy ended is returned as a value, never thrown.
/// </summary>
internal static class StreamCopier
{
    /// <summary>Into a stream, through one pooled buffer (of the size the <see cref="ChunkSizer"/> gives).</summary>
    public static async Task<CopyResult> CopyAsync(Stream source, Stream destination, CopyOptions options, CancellationToken cancellationToken)
    {
        using var chunkSize = new ChunkSizer(options.ChunkSize);
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize.Next);
        using var pacer = new StreamPacer(options.Throttle, options.Observer, options.StallTimeout, options.SourceStallTimeout);
        long total = 0;
        try
        {
            while (true)
            {
                // Kestrel completes writes silently once the client is gone; only the token tells.
                cancellationToken.ThrowIfCancellationRequested();
                var (read, readFailure) = await ReadAsync(pacer.TimedReadAsync(source, buffer.AsMemory(0, chunkSize.Next), cancellationToken), cancellationToken);
                if ((readFailure ?? LengthOutcome(options, total, read)) is { } ended)
                {
                    return ended with { BytesCopied = total };
                }

                var last = options.ExpectedLength == total + read;
                if (last && await ConfirmEndAsync(pacer, source, ProbeOf(buffer, read), options, cancellationToken) is { } endFailure)
                {
                    return endFailure with { BytesCopied = total };
                }

                var write = pacer.WriteAsync(destination, buffer.AsMemory(0, read), cancellationToken);
                var keptUp = write.IsCompletedSuccessfully;
                if (await DestinationAsync(write) is { } writeFailure)
                {
                    return writeFailure with { BytesCopied = total };
                }

                chunkSize.Flushed(keptUp);
                buffer = Resized(buffer, chunkSize.Next);

                total += read;
                if (last)
                {
                    return new CopyResult(CopyOutcome.Completed, total);
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

    /// <summary>
    /// Into a pipe (a response's <c>BodyWriter</c>): each chunk is read straight into the pipe's own memory, so there
    /// is no buffer of the copy's and no copy of the bytes; a throttle paces the reads.
    /// </summary>
    public static async Task<CopyResult> CopyAsync(Stream source, PipeWriter destination, CopyOptions options, CancellationToken cancellationToken)
    {
        using var pacer = new StreamPacer(options.Throttle, options.Observer, options.StallTimeout, options.SourceStallTimeout);
        using var chunkSize = new ChunkSizer(options.ChunkSize);
        long total = 0;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var memory = destination.GetMemory(chunkSize.Next);
                var chunk = memory[..Math.Min(memory.Length, chunkSize.Next)];
                var (read, readFailure) = await ReadAsync(pacer.PacedReadAsync(source, chunk, cancellationToken), cancellationToken);
                if ((readFailure ?? LengthOutcome(options, total, read)) is { } ended)
                {
                    return ended with { BytesCopied = total };
                }

                // Read but not advanced, the chunk's bytes are not on their way yet: the end is confirmed first.
                var last = options.ExpectedLength == total + read;
                if (last && await ConfirmEndAsync(pacer, source, ProbeOf(memory, read), options, cancellationToken) is { } endFailure)
                {
                    return endFailure with { BytesCopied = total };
                }

                destination.Advance(read);
                var flush = pacer.FlushAsync(destination, cancellationToken);
                var keptUp = flush.IsCompletedSuccessfully;
                if (await DestinationAsync(flush) is { } flushFailure)
                {
                    return flushFailure with { BytesCopied = total };
                }

                // After the wait: a large chunk that had to wait has left the pipe before another stream may grow.
                chunkSize.Flushed(keptUp);

                options.Observer?.OnCopied(read);
                total += read;
                if (last)
                {
                    return new CopyResult(CopyOutcome.Completed, total);
                }

                await pacer.TakeTurnAsync(read);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new CopyResult(CopyOutcome.Canceled, total);
        }
    }

    /// <summary>A pooled buffer for reads of <paramref name="size"/>: a copy that grew gets a large one, one that shrank gives it back.</summary>
    private static byte[] Resized(byte[] buffer, int size)
    {
        if (buffer.Length >= size && buffer.Length < 2 * size)
        {
            return buffer;
        }

        ArrayPool<byte>.Shared.Return(buffer);
        return ArrayPool<byte>.Shared.Rent(size);
    }

    /// <summary>What a read means for the copy's length: null to go on, or how the copy ends (BytesCopied set by the caller).</summary>
    private static CopyResult? LengthOutcome(CopyOptions options, long total, int read)
    {
        if (read == 0)
        {
            return options.ExpectedLength is { } expected && total != expected
                ? new CopyResult(CopyOutcome.SourceFailed, 0, new EndOfStreamException($"the source ended after {total} of {expected} bytes"))
                : new CopyResult(CopyOutcome.Completed, 0);
        }

        // A source that sends more than it announced is lying about something; never pass the excess on.
        return options.ExpectedLength is { } limit && total + read > limit
            ? new CopyResult(CopyOutcome.SourceFailed, 0, new InvalidDataException($"the source sent more than {limit} bytes"))
            : null;
    }

    /// <summary>
    /// Holds the final bytes back until the source confirms its end. Storage clients verify a body when they
    /// reach its end (AWSSDK checks a whole-object GET's MD5 on the read that returns 0), so a corrupt body
    /// must fail before its last bytes go out: the client then sees a truncated response, never a complete one.
    /// </summary>
    /// <remarks>A confirmed end completes the copy: the read that would return 0 has been made.</remarks>
    private static async ValueTask<CopyResult?> ConfirmEndAsync(StreamPacer pacer, Stream source, Memory<byte> probe, CopyOptions options, CancellationToken cancellationToken)
    {
        var (extra, failure) = await ReadAsync(pacer.TimedReadAsync(source, probe, cancellationToken), cancellationToken);
        return failure ?? (extra == 0
            ? null
            : new CopyResult(CopyOutcome.SourceFailed, 0, new InvalidDataException($"the source sent more than {options.ExpectedLength} bytes")));
    }

    /// <summary>
    /// Where the end-of-body read goes: the byte after the chunk when its buffer has room (it almost always has: the last
    /// chunk of a body is rarely a full one), else a byte of its own. A byte read there is never passed on.
    /// </summary>
    private static Memory<byte> ProbeOf(Memory<byte> chunkBuffer, int read) =>
        read < chunkBuffer.Length ? chunkBuffer.Slice(read, 1) : new byte[1];

    /// <summary>One read: the bytes read, or the outcome that ends the copy.</summary>
    /// <remarks>ValueTask, as the other steps: most reads and writes complete at once, and a Task per step was an allocation per chunk.</remarks>
    private static async ValueTask<(int Read, CopyResult? Failure)> ReadAsync(ValueTask<int> read, CancellationToken cancellationToken)
    {
        try
        {
            return (await read, null);
        }
        catch (StreamStalledException)
        {
            return (0, new CopyResult(CopyOutcome.SourceStalled, 0));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (0, new CopyResult(CopyOutcome.SourceFailed, 0, ex));
        }
    }

    /// <summary>One write or flush, paced; null when the destination took it all.</summary>
    /// <remarks>BytesCopied of a failure is not known here (a throttled chunk goes in steps); the observer counted what went out.</remarks>
    private static async ValueTask<CopyResult?> DestinationAsync(ValueTask step)
    {
        try
        {
            await step;
            return null;
        }
        catch (StreamStalledException)
        {
            return new CopyResult(CopyOutcome.Stalled, 0);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new CopyResult(CopyOutcome.DestinationFailed, 0, ex);
        }
    }
}
