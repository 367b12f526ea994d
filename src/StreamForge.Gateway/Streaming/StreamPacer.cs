using System.Diagnostics;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Streaming;

/// <summary>
/// The one pacing path of every stream, whatever its direction or route kind: wait for the throttle, move the
/// bytes under the stall timer, report to the observer. The copy loop (<see cref="StreamCopier"/>), request
/// bodies on their way upstream (<see cref="MeteredReadStream"/>) and proxied responses
/// (<see cref="MeteredWriteStream"/>) all go through it. Throttling is a delay before moving bytes, never a
/// read-ahead, so memory stays the caller's one buffer.
/// </summary>
/// <param name="stallTimeout">A read or write that moves nothing for this long throws <see cref="StreamStalledException"/>; infinite turns it off.</param>
/// <param name="readStallTimeout">The same for reads, when the source has a limit of its own (an origin cluster's activity timeout); null: <paramref name="stallTimeout"/>.</param>
internal sealed class StreamPacer(StreamThrottle? throttle, ICopyObserver? observer, TimeSpan stallTimeout, TimeSpan? readStallTimeout = null) : IDisposable
{
    private readonly TimeSpan _readStallTimeout = readStallTimeout ?? stallTimeout;

    // One timer per stream, re-armed per operation, and one source linking it to the caller's token, made once per
    // caller token (callers pass the same token to every call of a body; a linked source and timer per write showed
    // up in the origin-route benchmark). The timer has a source of its own so that a stall is known for certain,
    // whatever else cancelled the caller's token meanwhile.
    private CancellationTokenSource? _stallTimer;
    private CancellationTokenSource? _linked;
    private CancellationToken _linkedTo;

    /// <summary>
    /// With inline I/O (Hosting/InlineIo.cs) a stream whose peers never make it wait keeps the thread it runs on: a
    /// send that completes at once goes straight on to the next read. Twenty concurrent 1 GiB downloads then finished
    /// between 7.6 and 28.5 s on the origin route, against 29.8-30.4 s with the runtime's scheduling. Every this many
    /// bytes the stream goes to the back of the thread pool's queue instead, so concurrent streams take turns: 30.9 to
    /// 31.7 s. That is one hand-off per MiB where the runtime's scheduling made two or three per 64 KiB chunk; turns
    /// every 256 KiB cost more CPU per GB for no fairer result.
    /// A stream that waits for its peer takes turns by waiting (<see cref="Watched"/>).
    /// </summary>
    private const int FairShareBytes = 1024 * 1024;

    private int _sinceTurn;

    /// <summary>Writes <paramref name="bytes"/> in throttle-sized steps, each paced, timed and reported.</summary>
    public async ValueTask WriteAsync(Stream destination, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < bytes.Length;)
        {
            var step = bytes.Slice(offset, await ThrottleAsync(bytes.Length - offset, cancellationToken));
            var started = Stopwatch.GetTimestamp();
            var write = TimedAsync(WriteStep, destination, step, whileReading: false, cancellationToken);
            if (write.IsCompletedSuccessfully)
            {
                _ = write.Result;
            }
            else
            {
                await write;
                observer?.OnBackpressure(Stopwatch.GetElapsedTime(started));
            }

            observer?.OnCopied(step.Length);
            offset += step.Length;
            await TakeTurnAsync(step.Length);
        }
    }

    /// <summary>After moving <paramref name="bytes"/>: lets other streams run once this one has had its share (see <see cref="FairShareBytes"/>).</summary>
    public ValueTask TakeTurnAsync(int bytes)
    {
        _sinceTurn += bytes;
        if (_sinceTurn < FairShareBytes)
        {
            return ValueTask.CompletedTask;
        }

        _sinceTurn = 0;
        return YieldAsync();
    }

    private static async ValueTask YieldAsync() => await Task.Yield();

    /// <summary>
    /// An operation that could not complete at once and resumed on the socket engine's thread (inline I/O) let that
    /// thread serve other connections while it waited, in the order their events came: the stream has had a turn of
    /// its own accord, and the next forced one is due a full share later. Only a stream that never waits (a fast
    /// origin, a fast client) is then made to yield. A wait that resumes on a thread-pool worker does not count:
    /// file reads do, and the worker's local queue hands the next read back to the same stream, so forced turns keep
    /// file downloads fair. On the S3 route, whose reads mostly wait for the server, forced turns were about 1,100
    /// hand-offs per GiB, each waking an idle worker that then spun in sched_yield: 22 % of the gateway's CPU samples.
    /// </summary>
    private ValueTask<int> Watched(ValueTask<int> operation) => operation.IsCompleted ? operation : AfterWaitAsync(operation);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> AfterWaitAsync(ValueTask<int> operation)
    {
        // Not the caller's context: where the operation resumed is what tells.
        var moved = await operation.ConfigureAwait(false);
        if (!Thread.CurrentThread.IsThreadPoolThread)
        {
            _sinceTurn = 0;
        }

        return moved;
    }

    /// <summary>Flushes under the stall timer: a flush the peer never drains is a stall like a write.</summary>
    public async ValueTask FlushAsync(Stream destination, CancellationToken cancellationToken) =>
        await TimedAsync(FlushStep, destination, ReadOnlyMemory<byte>.Empty, whileReading: false, cancellationToken);

    /// <summary>
    /// Flushes the bytes the caller advanced into <paramref name="destination"/> under the stall timer: the server's
    /// pipe completes a flush only once it is below its pause threshold, so the wait is the slow reader's backpressure.
    /// </summary>
    /// <remarks>
    /// Only a flush that had to wait reports backpressure: one that completed at once waited for nobody, and reporting
    /// its microsecond was a metric update per chunk (a fifth of the gateway's metric work on small responses).
    /// </remarks>
    public ValueTask FlushAsync(PipeWriter destination, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var flush = TimedAsync(PipeFlushStep, destination, 0, whileReading: false, cancellationToken);
        if (flush.IsCompletedSuccessfully)
        {
            _ = flush.Result;
            return ValueTask.CompletedTask;
        }

        return WaitedAsync(flush, started);
    }

    private async ValueTask WaitedAsync(ValueTask<int> flush, long started)
    {
        await flush;
        observer?.OnBackpressure(Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Reads once, paced by the throttle first (so a throttled upload is slowed by TCP flow control).</summary>
    public async ValueTask<int> ReadAsync(Stream source, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await PacedReadAsync(source, buffer, cancellationToken);
        if (read > 0)
        {
            observer?.OnCopied(read);
        }

        return read;
    }

    /// <summary>Reads once, paced by the throttle first, and leaves reporting to the caller (who reports once the bytes went on).</summary>
    public async ValueTask<int> PacedReadAsync(Stream source, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        // Reserved before reading, so a read that returns less than asked charges a little early; the next reads
        // pay it back, and the long-run rate stays exact.
        var size = await ThrottleAsync(buffer.Length, cancellationToken);
        return await TimedReadAsync(source, buffer[..size], cancellationToken);
    }

    /// <summary>Reads once under the stall timer only: for a copy whose pacing happens on the write side.</summary>
    public ValueTask<int> TimedReadAsync(Stream source, Memory<byte> buffer, CancellationToken cancellationToken) =>
        TimedAsync(ReadStep, source, buffer, whileReading: true, cancellationToken);

    public void Dispose()
    {
        _linked?.Dispose();
        _stallTimer?.Dispose();
    }

    private async ValueTask<int> ThrottleAsync(int wanted, CancellationToken cancellationToken)
    {
        if (throttle is null)
        {
            return wanted;
        }

        var size = throttle.NextWriteSize(wanted);
        if (await throttle.WaitAsync(size, cancellationToken) is { Ticks: > 0 } waited)
        {
            observer?.OnThrottled(waited);
        }

        return size;
    }

    private static ValueTask<int> ReadStep(Stream stream, Memory<byte> buffer, CancellationToken token) => stream.ReadAsync(buffer, token);

    private static async ValueTask<int> WriteStep(Stream stream, ReadOnlyMemory<byte> bytes, CancellationToken token)
    {
        await stream.WriteAsync(bytes, token);
        return bytes.Length;
    }

    private static async ValueTask<int> FlushStep(Stream stream, ReadOnlyMemory<byte> none, CancellationToken token)
    {
        await stream.FlushAsync(token);
        return 0;
    }

    private static async ValueTask<int> PipeFlushStep(PipeWriter writer, int none, CancellationToken token)
    {
        // Once the client is gone, Kestrel completes every flush at once and says so (IsCompleted); RequestAborted is
        // signalled later, from the thread pool. Until then the copy would read its source as fast as it delivers.
        var result = await writer.FlushAsync(token);
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new IOException("The response can take no more bytes: the client is gone.");
        }

        return 0;
    }

    private async ValueTask<int> TimedAsync<TTarget, TArgument>(
        Func<TTarget, TArgument, CancellationToken, ValueTask<int>> operation, TTarget target, TArgument argument, bool whileReading, CancellationToken cancellationToken)
    {
        var timeout = whileReading ? _readStallTimeout : stallTimeout;
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return await Watched(operation(target, argument, cancellationToken));
        }

        _stallTimer ??= new CancellationTokenSource();
        if (_linked is null || _linkedTo != cancellationToken)
        {
            _linked?.Dispose();
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stallTimer.Token);
            _linkedTo = cancellationToken;
        }

        // Time spent throttled is outside the timer, so a paced stream never looks stalled. Most operations complete
        // at once (a send the socket took, bytes already received); only one that has to wait can stall, so only that
        // one arms the timer: arming and disarming it around every write showed up in the cost of small responses.
        var pending = operation(target, argument, _linked.Token);
        var armed = !pending.IsCompleted;
        if (armed)
        {
            _stallTimer.CancelAfter(timeout);
        }

        try
        {
            var moved = await Watched(pending);
            if (armed)
            {
                _stallTimer.CancelAfter(Timeout.InfiniteTimeSpan);
            }

            return moved;
        }
        catch (OperationCanceledException) when (_stallTimer.IsCancellationRequested)
        {
            // A stall even when the caller's token is cancelled by now: Kestrel aborts a request whose write was
            // cancelled, and that abort can reach the token before this filter runs.
            throw new StreamStalledException(timeout, whileReading);
        }
    }
}
