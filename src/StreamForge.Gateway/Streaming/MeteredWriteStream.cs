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
        using var stallTimer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stallTimer.CancelAfter(stallTimeout);
        try
        {
            await write(stallTimer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            onStalled();
            throw new IOException($"the client accepted no bytes for {stallTimeout}");
        }
    }
}
