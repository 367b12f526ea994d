namespace StreamForge.Gateway.Diagnostics;

/// <summary>
/// The response body bytes handed to the server while the client was still there, and whether any were handed after it
/// had left. The server takes writes silently once the connection is gone, so a handler that does not watch
/// RequestAborted would otherwise count a body its client never had as whole.
/// </summary>
internal sealed class SentBytes(CancellationToken clientGone)
{
    private long _count;
    private int _afterClientLeft;

    public long Count => Interlocked.Read(ref _count);

    public bool AnyAfterClientLeft => Volatile.Read(ref _afterClientLeft) != 0;

    public void Add(long bytes)
    {
        if (clientGone.IsCancellationRequested)
        {
            Volatile.Write(ref _afterClientLeft, 1);
        }
        else
        {
            Interlocked.Add(ref _count, bytes);
        }
    }
}
