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

    public static async Task<ManagedServer> StartAsync(Func<Task<ChildProcess>> start) => new(start, await start());

    public async Task RestartAsync()
    {
        Process.Dispose();
        Process = await _start();
    }

    public void Dispose() => Process.Dispose();
}
