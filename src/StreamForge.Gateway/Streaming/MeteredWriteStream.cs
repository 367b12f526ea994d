using System.Diagnostics;
using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Streaming;

/// <summary>
/// The response stream YARP writes proxied bodies to: paces writes by the throttle, reports bytes and waits,
/// and abandons a write the client has not accepted within the stall timeout (Kestrel alone would let it sit
/// for minutes, holding the upstream open).
/// </summary>
internal sealed class MeteredWriteStream(
    Stream inner, TimeSpan stallTimeout, StreamThrottle throttle, ICopyObserver observer, Action onStalled) : AsyncWriteOnlyStream(inner)
{
    private CancellationTokenSource? _stallTimer;
    private CancellationToken _linkedTo;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        for (var offset = 0; offset < buffer.Length;)
        {
            var slice = buffer.Slice(offset, throttle.NextWriteSize(buffer.Length - offset));
            if (await throttle.WaitAsync(slice.Length, cancellationToken) is { Ticks: > 0 } waited)
            {
                observer.OnThrottled(waited);
            }

            var started = Stopwatch.GetTimestamp();
            await GuardAsync(token => Inner.WriteAsync(slice, token), cancellationToken);
            observer.OnBackpressure(Stopwatch.GetElapsedTime(started));
            observer.OnCopied(slice.Length);
            offset += slice.Length;
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        GuardAsync(token => new ValueTask(Inner.FlushAsync(token)), cancellationToken);

    private async Task GuardAsync(Func<CancellationToken, ValueTask> write, CancellationToken cancellationToken)
    {
        // One timer per stream, re-armed per write (a linked source and timer per write showed up in the
        // origin-route benchmark); YARP passes the same token to every write of a body, so it is linked once.
        if (_stallTimer is null || _linkedTo != cancellationToken)
        {
            _stallTimer?.Dispose();
            _stallTimer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _linkedTo = cancellationToken;
        }

        _stallTimer.CancelAfter(stallTimeout);
        try
        {
            await write(_stallTimer.Token);
            _stallTimer.CancelAfter(Timeout.InfiniteTimeSpan);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            onStalled();
            throw new IOException($"the client accepted no bytes for {stallTimeout}");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stallTimer?.Dispose();
        }

        base.Dispose(disposing);
    }
}
