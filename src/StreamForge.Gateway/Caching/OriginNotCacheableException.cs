namespace StreamForge.Gateway.Caching;

/// <summary>The origin's answer cannot be stored (or the origin failed with nothing stale to serve): forward the request as is.</summary>
internal sealed class OriginNotCacheableException(string reason) : Exception($"not served from the cache: {reason}")
{
    public string Reason { get; } = reason;

    /// <summary>The origin's answer to the request's own look, to forward instead of asking again; the catcher's to dispose.</summary>
    public HttpResponseMessage? Answer { get; init; }
}
