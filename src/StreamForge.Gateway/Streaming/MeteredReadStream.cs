using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Streaming;

/// <summary>
/// A request body on its way upstream, paced by <see cref="StreamPacer"/>: throttled before each read (so a
/// throttled upload is slowed by TCP flow control, never read ahead), timed, and reported.
/// </summary>
/// <param name="stallTimeout">
/// A read that delivers nothing for this long fails with <see cref="StreamStalledException"/>. Unlike Kestrel's
/// minimum data rate (a cumulative average, where bytes sent early buy stall time), this cuts off a body that
/// stops, whatever came before. Infinite leaves stalls to the server's own limits.
/// </param>
internal sealed class MeteredReadStream(Stream inner, StreamThrottle throttle, ICopyObserver observer, TimeSpan stallTimeout) : AsyncReadOnlyStream
{
    private readonly StreamPacer _pacer = new(throttle, observer, stallTimeout);

    /// <summary>
    /// The first failure reading the client's body (too large, too slow, stalled, cut off). Kept because storage
    /// clients wrap or replace exceptions from a body stream, while the answer to the client depends on this one.
    /// </summary>
    public Exception? ReadFailure { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _pacer.ReadAsync(inner, buffer, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ReadFailure ??= ex;
            throw;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pacer.Dispose();
        }

        base.Dispose(disposing);
    }
}
