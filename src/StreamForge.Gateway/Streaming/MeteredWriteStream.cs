using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Streaming;

/// <summary>
/// The response stream YARP writes proxied bodies to, paced by <see cref="StreamPacer"/>: throttled, reported,
/// and a write the client has not accepted within the stall timeout is abandoned (Kestrel alone would let it sit
/// for minutes, holding the upstream open).
/// </summary>
internal sealed class MeteredWriteStream(
    Stream inner, TimeSpan stallTimeout, StreamThrottle throttle, ICopyObserver observer, Action onStalled) : AsyncWriteOnlyStream(inner)
{
    private readonly StreamPacer _pacer = new(throttle, observer, stallTimeout);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await _pacer.WriteAsync(Inner, buffer, cancellationToken);
        }
        catch (StreamStalledException)
        {
            onStalled();
            throw;
        }
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _pacer.FlushAsync(Inner, cancellationToken);
        }
        catch (StreamStalledException)
        {
            onStalled();
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
