using System.Buffers;

namespace StreamForge.Gateway.Streaming;

/// <summary>
/// The one copy loop: read a chunk into a pooled buffer, write it through the <see cref="StreamPacer"/> (throttle,
/// stall timer, report), wait for the write (Kestrel completes a response write only once its pipe is below the
/// pause threshold), then read the next chunk. A slow destination therefore stalls the source read: memory per
/// stream is one buffer, whatever the size. How the copy ended is returned as a value, never thrown.
/// </summary>
internal static class StreamCopier
{
    public static async Task<CopyResult> CopyAsync(Stream source, Stream destination, CopyOptions options, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(options.ChunkSize);
        using var pacer = new StreamPacer(options.Throttle, options.Observer, options.StallTimeout);
        long total = 0;
        try
        {
            while (true)
            {
                // Kestrel completes writes silently once the client is gone; only the token tells.
                cancellationToken.ThrowIfCancellationRequested();
                var (read, readFailure) = await ReadAsync(pacer, source, buffer.AsMemory(0, options.ChunkSize), cancellationToken);
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

                if (options.ExpectedLength == total + read && await ConfirmEndAsync(pacer, source, options, cancellationToken) is { } endFailure)
                {
                    return endFailure with { BytesCopied = total };
                }

                if (await WriteAsync(pacer, destination, buffer.AsMemory(0, read), cancellationToken) is { } writeFailure)
                {
                    return writeFailure with { BytesCopied = total };
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
    private static async Task<CopyResult?> ConfirmEndAsync(StreamPacer pacer, Stream source, CopyOptions options, CancellationToken cancellationToken)
    {
        var (extra, failure) = await ReadAsync(pacer, source, new byte[1], cancellationToken);
        return failure ?? (extra == 0
            ? null
            : new CopyResult(CopyOutcome.SourceFailed, 0, new InvalidDataException($"the source sent more than {options.ExpectedLength} bytes")));
    }

    /// <summary>One read: the bytes read, or the outcome that ends the copy.</summary>
    private static async Task<(int Read, CopyResult? Failure)> ReadAsync(StreamPacer pacer, Stream source, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return (await pacer.TimedReadAsync(source, buffer, cancellationToken), null);
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

    /// <summary>One chunk, paced; null when all of it was written.</summary>
    /// <remarks>BytesCopied of a failure is not known here (a throttled chunk goes in steps); the observer counted what went out.</remarks>
    private static async Task<CopyResult?> WriteAsync(StreamPacer pacer, Stream destination, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        try
        {
            await pacer.WriteAsync(destination, chunk, cancellationToken);
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
