using System.Runtime.CompilerServices;
using System.Collections.Concurrent;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>Requests that ended in an error, by stable code, since start-up (for the status page).</summary>
internal sealed class ErrorTally
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _counts = new(StringComparer.Ordinal);

    public void Add(string code) => Interlocked.Increment(ref _counts.GetOrAdd(code, _ => new StrongBox<long>()).Value);

    public IReadOnlyDictionary<string, long> Snapshot() =>
        _counts.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToDictionary(pair => pair.Key, pair => Interlocked.Read(ref pair.Value.Value), StringComparer.Ordinal);
}
