using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Streaming;

/// <summary>
/// A request body on its way upstream: each read waits for the throttle first (so a throttled upload is
/// paced by TCP flow control, never read ahead), runs under the stall timer, and is reported to the observer.
/// </summary>
/// <param name="stallTimeout">
/// A read that delivers nothing for this long fails with <see cref="BodyStalledException"/>. Unlike Kestrel's
/// minimum data rate (a cumulative average, where bytes sent early buy stall time), this cuts off a body that
/// stops, whatever came before. Infinite leaves stalls to the server's own limits.
/// </param>
internal sealed class MeteredReadStream(Stream inner, StreamThrottle throttle, ICopyObserver observer, TimeSpan stallTimeout) : AsyncReadOnlyStream
{
    private CancellationTokenSource? _stallTimer;

    /// <summary>
    /// The first failure reading the client's body (too large, too slow, stalled, cut off). Kept because storage
    /// clients wrap or replace exceptions from a body stream, while the answer to the client depends on this one.
    /// </summary>
    public Exception? ReadFailure { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var size = throttle.NextWriteSize(buffer.Length);
        // Reserved before reading, so a read that returns less than asked charges a little early; the next
        // reads pay it back, and the long-run rate stays exact.
        if (await throttle.WaitAsync(size, cancellationToken) is { Ticks: > 0 } waited)
        {
            observer.OnThrottled(waited);
        }

        int read;
        try
        {
            read = await ReadUnderStallTimerAsync(buffer[..size], cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ReadFailure ??= ex;
            throw;
        }

        if (read > 0)
        {
            observer.OnCopied(read);
        }

        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stallTimer?.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> ReadUnderStallTimerAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (stallTimeout == Timeout.InfiniteTimeSpan)
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }

        // One timer for the stream's life, re-armed per read; the caller's token cancels it too (a cancelled
        // caller ends the stream anyway).
        _stallTimer ??= new CancellationTokenSource();
        using var link = cancellationToken.UnsafeRegister(static timer => ((CancellationTokenSource)timer!).Cancel(), _stallTimer);
        try
        {
            _stallTimer.CancelAfter(stallTimeout);
            var read = await inner.ReadAsync(buffer, _stallTimer.Token);
            _stallTimer.CancelAfter(Timeout.InfiniteTimeSpan);
            return read;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && _stallTimer.IsCancellationRequested)
        {
            throw new BodyStalledException(stallTimeout);
        }
    }
}
