using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Tests.Streaming;

public sealed class StreamPacerTests
{
    [Fact]
    public async Task A_stream_gives_up_its_thread_once_per_MiB_moved()
    {
        using var pacer = new StreamPacer(null, null, Timeout.InfiniteTimeSpan);
        var context = new CountingContext();
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            // Sixteen 64 KiB chunks make one turn; the sixteenth is where the stream yields.
            for (var chunk = 1; chunk <= 15; chunk++)
            {
                Assert.True(pacer.TakeTurnAsync(64 * 1024).IsCompleted);
            }

            var turn = pacer.TakeTurnAsync(64 * 1024);
            Assert.Equal(1, context.Posts);
            Assert.True(pacer.TakeTurnAsync(64 * 1024).IsCompleted);
            context.RunPosted();
            await turn;
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>Task.Yield posts its continuation to the current context: counted here instead of queued to the thread pool.</summary>
    private sealed class CountingContext : SynchronizationContext
    {
        private readonly List<(SendOrPostCallback Callback, object? State)> _posted = [];

        public int Posts => _posted.Count;

        public override void Post(SendOrPostCallback d, object? state) => _posted.Add((d, state));

        public void RunPosted()
        {
            foreach (var (callback, state) in _posted)
            {
                callback(state);
            }
        }
    }
}
