namespace StreamForge.Gateway.Streaming;

/// <summary>
/// How much a copy reads per step: it starts at <see cref="StartSize"/> and reads the policy's <c>ChunkSize</c> while
/// the client takes each chunk at once (the flush or write completed without waiting); it drops back to the start once
/// one had to wait for the client. At most <see cref="LargeChunkBudget.Streams"/> streams of the process read more than
/// the start size at a time.
/// </summary>
/// <remarks>
/// Large chunks cut the reads, sends and wake-ups per GB of a fast stream (tests/bench/README.md, "Chunks that grow"),
/// but a chunk waits in the response pipe for as long as its client takes to read it. A slow client cannot be told
/// from a fast one at first: the kernel takes its first megabytes (the socket's send buffer) at memory speed. So
/// growth is also capped for the whole process, and a stream gives its place back only after the flush that waited
/// has completed, i.e. when its large chunk has (but for less than the pipe's resume threshold) left for the socket:
/// 100 slow clients then hold the start size each, and only the budget's few large chunks wait at a time, whatever the
/// number of clients.
/// </remarks>
internal sealed class ChunkSizer(int maxSize, LargeChunkBudget? budget = null) : IDisposable
{
    /// <summary>Kestrel's and YARP's own copy size; also what a stream holds while its client is slow.</summary>
    public const int StartSize = 64 * 1024;

    private readonly LargeChunkBudget _budget = budget ?? LargeChunkBudget.Shared;
    private readonly int _startSize = Math.Min(StartSize, maxSize);
    private bool _large;

    /// <summary>The size of the next read.</summary>
    public int Next { get; private set; } = Math.Min(StartSize, maxSize);

    /// <summary>Records how the last chunk's flush (or write) went; call it once that has completed.</summary>
    public void Flushed(bool keptUp)
    {
        if (!keptUp)
        {
            Shrink();
        }
        else if (Next < maxSize && (_large || (_large = _budget.TryTake())))
        {
            // Straight to the full size, not by doubling: every size in between would be one more array size for
            // the shared array pool to keep per thread.
            Next = maxSize;
        }
    }

    public void Dispose() => Shrink();

    private void Shrink()
    {
        Next = _startSize;
        if (_large)
        {
            _large = false;
            _budget.Give();
        }
    }
}
