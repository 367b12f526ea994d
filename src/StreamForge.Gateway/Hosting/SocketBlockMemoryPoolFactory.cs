using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace StreamForge.Gateway.Hosting;

/// <summary>What Kestrel asks for its connection memory (ASP.NET Core 10 resolves it from the services).</summary>
internal sealed class SocketBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new SocketBlockMemoryPool();
}
