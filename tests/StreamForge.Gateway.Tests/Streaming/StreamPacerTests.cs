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

    [Fact]
    public async Task A_read_that_waited_on_a_thread_of_its_own_starts_a_new_share()
    {
        using var pacer = new StreamPacer(null, null, Timeout.InfiniteTimeSpan);
        await MoveAsync(pacer, chunks: 15);

        // Completed from a thread outside the pool, as the socket engine completes reads with inline I/O.
        await ReadAsync(pacer, complete => new Thread(() => complete()).Start());

        Assert.Equal(0, await PostsAfterAsync(pacer, chunks: 15));
        Assert.Equal(1, await PostsAfterAsync(pacer, chunks: 1));
    }

    [Fact]
    public async Task A_read_that_resumed_on_a_thread_pool_worker_does_not()
    {
        using var pacer = new StreamPacer(null, null, Timeout.InfiniteTimeSpan);
        await MoveAsync(pacer, chunks: 15);

        // As a file read completes: on a worker, whose local queue would hand the next read back to the same stream.
        await ReadAsync(pacer, complete => ThreadPool.UnsafeQueueUserWorkItem(_ => complete(), null));

        Assert.Equal(1, await PostsAfterAsync(pacer, chunks: 1));
    }

    private static async Task MoveAsync(StreamPacer pacer, int chunks)
    {
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            await pacer.TakeTurnAsync(64 * 1024);
        }
    }

    private static async Task ReadAsync(StreamPacer pacer, Action<Action> completeOn)
    {
        var source = new PendingReadStream();
        var read = pacer.TimedReadAsync(source, new byte[1], CancellationToken.None);
        Assert.False(read.IsCompleted);
        completeOn(source.Complete);
        Assert.Equal(1, await read);
    }

    /// <summary>How many times the stream yielded while it moved <paramref name="chunks"/> more 64 KiB chunks.</summary>
    private static async Task<int> PostsAfterAsync(StreamPacer pacer, int chunks)
    {
        var context = new CountingContext();
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            var turns = new List<ValueTask>();
            for (var chunk = 0; chunk < chunks; chunk++)
            {
                turns.Add(pacer.TakeTurnAsync(64 * 1024));
            }

            var posts = context.Posts;
            context.RunPosted();
            foreach (var turn in turns)
            {
                await turn;
            }

            return posts;
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>A source whose one read stays pending until <see cref="Complete"/> runs, on whatever thread calls it.</summary>
    private sealed class PendingReadStream : Stream
    {
        private readonly TaskCompletionSource<int> _read = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Complete() => _read.SetResult(1);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(_read.Task);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
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
