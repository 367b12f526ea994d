using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Streaming;

/// <summary>
/// A request body on its way upstream: each read waits for the throttle first (so a throttled upload is
/// paced by TCP flow control, never read ahead) and is reported to the observer.
/// </summary>
internal sealed class MeteredReadStream(Stream inner, StreamThrottle throttle, ICopyObserver observer) : AsyncReadOnlyStream
{
    /// <summary>
    /// The first failure reading the client's body (too large, too slow, cut off). Kept because storage clients
    /// wrap or replace exceptions from a body stream, while the answer to the client depends on this one.
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
            read = await inner.ReadAsync(buffer[..size], cancellationToken);
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
}
