namespace StreamForge.Gateway.Streaming;

/// <summary>How many streams may read large chunks at once (<see cref="ChunkSizer"/>): the process's cap on the memory they add.</summary>
internal sealed class LargeChunkBudget(int streams)
{
    private int _taken;

    /// <summary>Four per core, as one core moves two to four fast streams at full speed.</summary>
    public static LargeChunkBudget Shared { get; } = new(4 * Environment.ProcessorCount);

    public int Streams => streams;

    public bool TryTake()
    {
        if (Interlocked.Increment(ref _taken) <= streams)
        {
            return true;
        }

        Interlocked.Decrement(ref _taken);
        return false;
    }

    public void Give() => Interlocked.Decrement(ref _taken);
}
