namespace StreamForge.Gateway.Throttling;

/// <summary>
/// Hands each stream its <see cref="StreamThrottle"/>, sharing one bucket per (route, client key) and one per
/// route between all the streams they cover. A singleton.
/// </summary>
/// <remarks>
/// Eviction: an entry counts the live streams holding it, and is dropped once no stream holds it AND its bucket
/// has refilled to its burst. Both conditions matter. Dropping at zero streams alone would hand a client that
/// fetches one segment after another (HLS, ffmpeg's connection per seek) a fresh full bucket every request,
/// voiding its limit; dropping by idle time alone could drop a bucket that a stream still holds, and the next
/// stream of that client would then get a second bucket and double its rate. A full, unheld bucket is
/// indistinguishable from a new one, so evicting it changes no outcome; memory is bounded by the clients active
/// within the last burst-refill time plus one <see cref="SweepInterval"/>.
/// The sweep runs inside <see cref="Acquire"/> when due, so no timer is needed: without new streams nothing
/// grows. One lock guards the table; it is taken per stream start and end, never per write.
/// </remarks>
internal sealed class ThrottleRegistry(TimeProvider timeProvider)
{
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    // Every bucket holds at least 50 ms of its rate. Timers wake late (their resolution is about 1 ms on
    // Linux and 15.6 ms on Windows, more under load); the late time turns into tokens that let the next write
    // catch up, but only as many as the bucket holds. With no room, each late wake-up would be lost for good
    // and the achieved rate would drift below the configured one.
    private const long CatchUpDivisor = 20;

    private readonly Lock _gate = new();
    private readonly Dictionary<SharedBucketKey, SharedBucket> _buckets = [];
    private long _lastSweep = timeProvider.GetTimestamp();

    /// <summary>Shared buckets currently kept (for tests and a gauge).</summary>
    public int SharedBucketCount
    {
        get
        {
            lock (_gate)
            {
                return _buckets.Count;
            }
        }
    }

    /// <summary>The throttle for a new stream. Dispose it when the stream ends.</summary>
    /// <param name="clientKey">Who the client is for the per-client limit, e.g. its remote IP address.</param>
    public StreamThrottle Acquire(string routeId, string clientKey, ThrottlePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(routeId);
        ArgumentNullException.ThrowIfNull(clientKey);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.IsUnlimited)
        {
            return StreamThrottle.Unlimited;
        }

        var streamBucket = policy.BytesPerSecond is { } rate ? CreateBucket(rate, policy.BurstBytes) : null;
        if (policy.PerClientBytesPerSecond is null && policy.PerRouteBytesPerSecond is null)
        {
            return new StreamThrottle(timeProvider, streamBucket, policy.RateAfterBytes, null, null);
        }

        SharedBucket? client = null;
        SharedBucket? route = null;
        lock (_gate)
        {
            SweepIfDue();
            if (policy.PerClientBytesPerSecond is { } clientRate)
            {
                client = Hold(new SharedBucketKey(routeId, clientKey), clientRate, policy.BurstBytes);
            }

            if (policy.PerRouteBytesPerSecond is { } routeRate)
            {
                route = Hold(new SharedBucketKey(routeId, null), routeRate, policy.BurstBytes);
            }
        }

        return new StreamThrottle(timeProvider, streamBucket, policy.RateAfterBytes, client?.Bucket, route?.Bucket,
            new ThrottleLease(this, client, route));
    }

    /// <summary>Drops every evictable bucket now (normally done by <see cref="Acquire"/> every <see cref="SweepInterval"/>).</summary>
    public void Sweep()
    {
        lock (_gate)
        {
            SweepLocked();
        }
    }

    internal void Release(SharedBucket? client, SharedBucket? route)
    {
        lock (_gate)
        {
            Unhold(client);
            Unhold(route);
        }
    }

    private SharedBucket Hold(SharedBucketKey key, long rate, long burstBytes)
    {
        var capacity = Capacity(rate, burstBytes);
        if (!_buckets.TryGetValue(key, out var entry) || entry.Bucket.BytesPerSecond != rate || entry.Bucket.BurstBytes != capacity)
        {
            // New, or its policy changed (configuration reload): streams holding the old bucket keep it until they end.
            entry = new SharedBucket(key, new TokenBucket(rate, capacity, timeProvider));
            _buckets[key] = entry;
        }

        entry.Streams++;
        return entry;
    }

    private void Unhold(SharedBucket? entry)
    {
        if (entry is null)
        {
            return;
        }

        entry.Streams--;
        // Usually a stream ends with its bucket still in debt; such entries wait for the sweep.
        if (entry.IsEvictable && _buckets.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry))
        {
            _buckets.Remove(entry.Key);
        }
    }

    private void SweepIfDue()
    {
        if (timeProvider.GetElapsedTime(_lastSweep) >= SweepInterval)
        {
            SweepLocked();
        }
    }

    private void SweepLocked()
    {
        _lastSweep = timeProvider.GetTimestamp();
        foreach (var (key, entry) in _buckets)
        {
            if (entry.IsEvictable)
            {
                // Removing while enumerating is allowed for Dictionary since .NET Core 3.0.
                _buckets.Remove(key);
            }
        }
    }

    private TokenBucket CreateBucket(long rate, long burstBytes) => new(rate, Capacity(rate, burstBytes), timeProvider);

    private static long Capacity(long rate, long burstBytes) => Math.Max(burstBytes, rate / CatchUpDivisor);
}
