namespace StreamForge.Gateway.Throttling;

/// <summary>A registry entry: a shared bucket and how many live streams hold it. Guarded by the registry's lock.</summary>
internal sealed class SharedBucket(SharedBucketKey key, TokenBucket bucket)
{
    public SharedBucketKey Key { get; } = key;

    public TokenBucket Bucket { get; } = bucket;

    public int Streams { get; set; }

    /// <summary>
    /// No stream holds it and it has refilled: dropping it loses nothing, since a bucket created afresh for the
    /// next stream of that client would be in exactly the same state.
    /// </summary>
    public bool IsEvictable => Streams == 0 && Bucket.IsFull;
}
