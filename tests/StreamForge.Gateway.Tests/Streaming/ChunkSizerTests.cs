using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Tests.Streaming;

public sealed class ChunkSizerTests
{
    private const int Large = 256 * 1024;

    [Fact]
    public void A_stream_starts_small_and_reads_its_full_chunk_once_the_client_keeps_up()
    {
        using var sizer = new ChunkSizer(Large, new LargeChunkBudget(4));
        Assert.Equal(ChunkSizer.StartSize, sizer.Next);

        sizer.Flushed(keptUp: true);
        Assert.Equal(Large, sizer.Next);
    }

    [Fact]
    public void A_flush_that_waited_brings_the_stream_back_to_the_start_size_and_frees_its_place()
    {
        var budget = new LargeChunkBudget(1);
        using var first = new ChunkSizer(Large, budget);
        using var second = new ChunkSizer(Large, budget);
        first.Flushed(keptUp: true);

        first.Flushed(keptUp: false);
        second.Flushed(keptUp: true);

        Assert.Equal(ChunkSizer.StartSize, first.Next);
        Assert.Equal(Large, second.Next);
    }

    [Fact]
    public void No_more_streams_than_the_budget_read_large_chunks_at_once()
    {
        var budget = new LargeChunkBudget(2);
        var sizers = Enumerable.Range(0, 5).Select(_ => new ChunkSizer(Large, budget)).ToArray();
        foreach (var sizer in sizers)
        {
            sizer.Flushed(keptUp: true);
        }

        Assert.Equal(2, sizers.Count(s => s.Next == Large));

        // A stream that ends gives its place to the next one that keeps up.
        sizers.First(s => s.Next == Large).Dispose();
        sizers.Last().Flushed(keptUp: true);
        Assert.Equal(Large, sizers.Last().Next);
    }

    [Fact]
    public void A_chunk_size_under_the_start_size_is_used_as_it_is()
    {
        using var sizer = new ChunkSizer(16 * 1024, new LargeChunkBudget(1));
        sizer.Flushed(keptUp: true);
        Assert.Equal(16 * 1024, sizer.Next);
    }
}
