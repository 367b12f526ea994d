using System.Buffers;
using System.Collections.Concurrent;

namespace StreamForge.Gateway.Hosting;

/// <summary>
/// Kestrel's connection memory in 64 KiB blocks instead of its built-in pool's 4 KiB. Kestrel receives into the free
/// space of its current block and asks for at least 2 KiB, so with 4 KiB blocks a request body arrives 2-4 KiB per
/// recv(): 131,000 calls for a 256 MiB upload, against 8,200 with 64 KiB blocks, and 28 to 45 % less gateway CPU per
/// upload (tests/bench/README.md). The bytes Kestrel may buffer per connection are its own limits either way
/// (MaxRequestBufferSize, MaxResponseBufferSize); only their granularity changes. A block whose bytes are all consumed
/// goes back to the pool, so an idle keep-alive connection holds none.
/// </summary>
internal sealed class SocketBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 64 * 1024;

    /// <summary>Free blocks kept for reuse; past this, returned blocks are left to the GC, so a burst does not stay pinned.</summary>
    private const int MaxFreeBlocks = 256;

    private readonly ConcurrentQueue<Block> _free = new();

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        // Pinned: sockets pin every buffer they are handed, which costs nothing for an array on the pinned heap.
        var block = _free.TryDequeue(out var free) ? free : new Block(this, GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true));
        block.Rented = 1;
        return block;
    }

    protected override void Dispose(bool disposing) => _free.Clear();

    private void Return(Block block)
    {
        if (_free.Count < MaxFreeBlocks)
        {
            _free.Enqueue(block);
        }
    }

    /// <summary>One rented block; the owner object is reused with its array.</summary>
    private sealed class Block(SocketBlockMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        public int Rented;

        public Memory<byte> Memory { get; } = array;

        // A second Dispose must not queue the block twice: two renters would then share one array.
        public void Dispose()
        {
            if (Interlocked.Exchange(ref Rented, 0) == 1)
            {
                pool.Return(this);
            }
        }
    }
}
