namespace StreamForge.Bench.Hosting;

/// <summary>A server that accepts PUT uploads, and how to check and clean up what it stored.</summary>
/// <param name="StoredLength">The stored object's length, to check an upload arrived whole; null when missing.</param>
/// <param name="Upstream">The server it stores into, whose CPU is counted apart; null when it writes to disk itself.</param>
internal sealed record UploadTarget(
    string Key,
    string Name,
    Uri BaseUri,
    ManagedServer Server,
    Func<string, Task<long?>> StoredLength,
    Func<string, Task> Delete,
    Func<ChildProcess>? Upstream = null)
{
    public ChildProcess Process => Server.Process;
}
