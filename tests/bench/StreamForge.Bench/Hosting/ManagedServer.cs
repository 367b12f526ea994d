namespace StreamForge.Bench.Hosting;

/// <summary>
/// A contender's server process that can be restarted on the same port. Memory figures are taken on a fresh
/// process: a .NET server keeps the heap that an earlier test (64 wrk connections, 8 fast streams) grew, and
/// that history, not the slow clients, would otherwise set its peak RSS.
/// </summary>
internal sealed class ManagedServer : IDisposable
{
    private readonly Func<Task<ChildProcess>> _start;

    private ManagedServer(Func<Task<ChildProcess>> start, ChildProcess process)
    {
        _start = start;
        Process = process;
    }

    public ChildProcess Process { get; private set; }

    /// <summary>False for a process other contenders depend on (s3rver behind the gateway's S3 route): it is never restarted.</summary>
    public bool CanRestart { get; private init; } = true;

    public static async Task<ManagedServer> StartAsync(Func<Task<ChildProcess>> start) => new(start, await start());

    public static ManagedServer Shared(ChildProcess process) =>
        new(() => throw new InvalidOperationException("a shared server is not restarted"), process) { CanRestart = false };

    public async Task RestartAsync()
    {
        Process.Dispose();
        Process = await _start();
    }

    public void Dispose() => Process.Dispose();
}
