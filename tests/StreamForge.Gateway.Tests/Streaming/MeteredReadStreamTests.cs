using StreamForge.Gateway.Streaming;
using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Tests.Streaming;

public sealed class MeteredReadStreamTests
{
    [Fact]
    public async Task A_body_that_delivers_nothing_for_the_stall_timeout_fails_whatever_came_before()
    {
        var body = new TrickleThenSilence(24 * 1024);
        var throttle = StreamThrottle.Unlimited;
        await using var stream = new MeteredReadStream(body, throttle, new NullObserver(), TimeSpan.FromMilliseconds(100));

        var buffer = new byte[64 * 1024];
        var first = await stream.ReadAsync(buffer);
        Assert.Equal(24 * 1024, first);
        var stalled = await Assert.ThrowsAsync<StreamStalledException>(async () => _ = await stream.ReadAsync(buffer));

        Assert.Same(stalled, stream.ReadFailure);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_a_stall()
    {
        var throttle = StreamThrottle.Unlimited;
        await using var stream = new MeteredReadStream(new TrickleThenSilence(0), throttle, new NullObserver(), TimeSpan.FromMinutes(1));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => _ = await stream.ReadAsync(new byte[10], cts.Token));
        Assert.Null(stream.ReadFailure);
    }

    private sealed class TrickleThenSilence(int first) : MemoryStream
    {
        private bool _sent;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_sent && first > 0)
            {
                _sent = true;
                return first;
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }

    private sealed class NullObserver : ICopyObserver
    {
        public void OnCopied(int bytes)
        {
        }

        public void OnThrottled(TimeSpan waited)
        {
        }

        public void OnBackpressure(TimeSpan waited)
        {
        }
    }
}
