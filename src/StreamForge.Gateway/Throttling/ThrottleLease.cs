namespace StreamForge.Gateway.Throttling;

/// <summary>One stream's hold on its shared buckets; released once, however often it is disposed.</summary>
internal sealed class ThrottleLease(ThrottleRegistry registry, SharedBucket? client, SharedBucket? route) : IDisposable
{
    private int _released;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            registry.Release(client, route);
        }
    }
}
