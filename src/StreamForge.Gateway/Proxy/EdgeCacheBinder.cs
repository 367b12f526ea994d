using StreamForge.Gateway.Caching;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Routing;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// Puts the edge cache between a caching route's request and its store: the request gets a
/// <see cref="CachingObjectStore"/> and a <see cref="CacheTrace"/> whose Cache-Status and Age are written as the
/// response starts. The cache itself is created on first use, so a gateway without caching routes never touches
/// the cache directory.
/// </summary>
internal sealed class EdgeCacheBinder(IServiceProvider services, CacheMetrics metrics, TimeProvider time, ILogger<EdgeCache> logger)
{
    private EdgeCache Cache => field ??= services.GetRequiredService<EdgeCache>();

    public IObjectStore Bind(HttpContext context, ResolvedRoute route, IObjectStore store)
    {
        var policy = route.Policy;
        var trace = new CacheTrace();
        var binding = new CacheBinding(
            route.ClusterId,
            policy.Cache,
            policy.Range.SliceSize,
            new FillOptions(route.RouteId, policy.Buffer.ChunkSize, policy.Buffer.StallTimeout),
            RequiresValidation(context.Request));
        context.Response.OnStarting(() =>
        {
            trace.WriteTo(context.Response.Headers);
            metrics.Request(route.RouteId, trace.Status);
            return Task.CompletedTask;
        });
        return new CachingObjectStore(Cache, store, binding, trace, metrics, time, logger);
    }

    /// <summary>RFC 9111 section 5.2.1.4 (no-cache), 5.2.1.1 (max-age=0) and 5.4 (Pragma when there is no Cache-Control).</summary>
    private static bool RequiresValidation(HttpRequest request)
    {
        var cacheControl = request.Headers.CacheControl.ToString();
        if (cacheControl.Length == 0)
        {
            return request.Headers.Pragma.ToString().Contains("no-cache", StringComparison.OrdinalIgnoreCase);
        }

        return cacheControl.Contains("no-cache", StringComparison.OrdinalIgnoreCase)
            || cacheControl.Replace(" ", string.Empty, StringComparison.Ordinal).Contains("max-age=0", StringComparison.OrdinalIgnoreCase);
    }
}
