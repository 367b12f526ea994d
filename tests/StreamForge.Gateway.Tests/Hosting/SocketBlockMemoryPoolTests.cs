using StreamForge.Gateway.Hosting;

namespace StreamForge.Gateway.Tests.Hosting;

public sealed class SocketBlockMemoryPoolTests
{
    [Fact]
    public void Every_block_is_64_KiB_whatever_the_caller_asks_for()
    {
        using var pool = new SocketBlockMemoryPool();

        using var small = pool.Rent(2048);
        using var unspecified = pool.Rent();

        Assert.Equal(SocketBlockMemoryPool.BlockSize, small.Memory.Length);
        Assert.Equal(SocketBlockMemoryPool.BlockSize, unspecified.Memory.Length);
        Assert.Equal(SocketBlockMemoryPool.BlockSize, pool.MaxBufferSize);
    }

    [Fact]
    public void More_than_a_block_is_refused()
    {
        using var pool = new SocketBlockMemoryPool();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(SocketBlockMemoryPool.BlockSize + 1));
    }

    [Fact]
    public void A_returned_block_is_reused()
    {
        using var pool = new SocketBlockMemoryPool();
        var first = pool.Rent();
        var memory = first.Memory;
        first.Dispose();

        using var second = pool.Rent();

        Assert.True(memory.Span == second.Memory.Span);
    }

    [Fact]
    public void A_block_disposed_twice_goes_to_one_renter_only()
    {
        using var pool = new SocketBlockMemoryPool();
        var block = pool.Rent();
        block.Dispose();
        block.Dispose();

        using var first = pool.Rent();
        using var second = pool.Rent();

        Assert.False(first.Memory.Span.Overlaps(second.Memory.Span));
    }

    [Fact]
    public void Blocks_in_use_never_share_memory()
    {
        using var pool = new SocketBlockMemoryPool();
        var blocks = Enumerable.Range(0, 8).Select(_ => pool.Rent()).ToList();

        for (var i = 0; i < blocks.Count; i++)
        {
            for (var j = i + 1; j < blocks.Count; j++)
            {
                Assert.False(blocks[i].Memory.Span.Overlaps(blocks[j].Memory.Span));
            }
        }

        blocks.ForEach(block => block.Dispose());
    }
}
