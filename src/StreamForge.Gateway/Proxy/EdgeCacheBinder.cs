using StreamForge.Gateway.Caching;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Routing;
using StreamForge.Gateway.Security;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// Puts the edge cache between a caching route's request and its store: the request gets a
/// <see cref="CachingObjectStore"/> and a <see cref="CacheTrace"/> whose Cache-Status and Age are written as the
/// response starts. The cache itself is created on first use, so a gateway without caching routes never touches
/// the cache directory.
/// </summary>
internal sealed class EdgeCacheBinder(
    IServiceProvider services, CacheSettings settings, CacheMetrics metrics, TimeProvider time, ILogger<EdgeCache> logger)
{
    private EdgeCache? _cache;

    private EdgeCache Cache => _cache ??= services.GetRequiredService<EdgeCache>();

    public IObjectStore Bind(HttpContext context, ResolvedRoute route, IObjectStore store)
    {
        var (binding, trace) = Start(context, route, route.ClusterId);
        var cached = new CachingObjectStore(Cache, InvalidatingWrites(route, store), FirstByteRead(context.Request, lookCarriesValidators: false), binding, trace, metrics, time, logger);
        context.Response.RegisterForDisposeAsync(cached);
        return cached;
    }

    /// <summary>
    /// A storage route that does not cache still shares its cluster's entries with the routes that do (a read route
    /// with a PUT-only route beside it): its writes drop the key. Without a cache folder there is nothing to drop, and
    /// the cache is not created for it.
    /// </summary>
    public IObjectStore BindWrites(ResolvedRoute route, IObjectStore store) =>
        route.WriteAccess == WriteAccess.None || (_cache is null && !Directory.Exists(settings.Directory))
            ? store
            : InvalidatingWrites(route, store);

    private WriteInvalidatingStore InvalidatingWrites(ResolvedRoute route, IObjectStore store) =>
        new(store, key => Cache.Remove(new CacheKey(route.ClusterId, key)));

    /// <summary>
    /// The cache in front of an origin route's GET or HEAD. The upstream URL (the route's transforms applied) is worked
    /// out only when the origin must be asked: a hit costs no transform.
    /// </summary>
    public (IObjectStore Store, ObjectKey Key) BindOrigin(HttpContext context, ResolvedRoute route)
    {
        var (binding, trace) = Start(context, route, OriginNamespace(route));
        var requestHeaders = context.Request.Headers;
        var store = new OriginCachingStore(
            Cache, () => OriginTargetAsync(context), name => requestHeaders.TryGetValue(name, out var value) ? value.ToString() : null,
            requestHeaders.Authorization.Count > 0, HttpMethods.IsHead(context.Request.Method), FirstByteRead(context.Request, lookCarriesValidators: true), binding, trace, metrics, time, logger);
        context.Response.RegisterForDispose(store);
        return (store, OriginKey(context));
    }

    /// <summary>
    /// The first byte a GET will read, for the cache's first look upstream to fetch the slice holding it: 0 without a
    /// Range (or with one the download handler will ignore), the first range's start otherwise. Null when no slice is
    /// known to be read: a HEAD, a suffix range (its start depends on the length), or, unless the look carries the
    /// client's validators (<paramref name="lookCarriesValidators"/>, on origin routes), a conditional GET that may well
    /// be answered 304 or 412 from the metadata alone.
    /// </summary>
    private static long? FirstByteRead(HttpRequest request, bool lookCarriesValidators)
    {
        var headers = request.Headers;
        var conditional = headers.IfNoneMatch.Count > 0 || headers.IfModifiedSince.Count > 0 || headers.IfMatch.Count > 0 || headers.IfUnmodifiedSince.Count > 0;
        if (!HttpMethods.IsGet(request.Method) || (!lookCarriesValidators && conditional))
        {
            return null;
        }

        var ranges = RangeHeaderParser.Parse(headers.Range.Count == 1 ? headers.Range.ToString() : null);
        return ranges is null ? 0 : ranges[0].First;
    }

    /// <summary>
    /// An origin route's cache key: the request's path and query as the client sent them, without the leading slash,
    /// within a namespace of the route (its cluster and id), since the route's transforms decide the upstream URL.
    /// </summary>
    public static ObjectKey OriginKey(HttpContext context) =>
        ObjectKey.ForOriginTarget((context.Request.Path.Value ?? "/").TrimStart('/') + context.Request.QueryString.Value);

    public static string OriginNamespace(ResolvedRoute route) => OriginNamespace(route.ClusterId, route.RouteId);

    public static string OriginNamespace(string clusterId, string routeId) => $"{clusterId}#{routeId}";

    /// <summary>The URL YARP would forward to (the route's transforms applied) and the client's headers a fill may send.</summary>
    private static async Task<OriginTarget> OriginTargetAsync(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        var destinations = proxy.AvailableDestinations.Count > 0 ? proxy.AvailableDestinations : proxy.AllDestinations;
        if (destinations.Count == 0)
        {
            throw new OriginNotCacheableException("no destination available");
        }

        using var transformed = new HttpRequestMessage();
        await proxy.Route.Transformer.TransformRequestAsync(context, transformed, destinations[0].Model.Config.Address, context.RequestAborted);
        // YARP's transforms build no URL once the response is under way; OriginCachingStore asks before that, but a
        // slice evicted under a response being sent can still need the origin then: that response is cut.
        var uri = transformed.RequestUri ?? throw (context.Response.HasStarted || context.Response.StatusCode != StatusCodes.Status200OK
            ? new StorageException(StorageErrorKind.Unavailable, "an evicted slice cannot be read again once the response is under way")
            : new OriginNotCacheableException("the route's transforms gave no URL"));
        var headers = transformed.Headers
            .Where(header => !CacheDecidedHeaders.Contains(header.Key))
            .SelectMany(header => header.Value.Select(value => new KeyValuePair<string, string>(header.Key, value)))
            .ToList();
        return new OriginTarget(proxy.Cluster.HttpClient, uri, headers, proxy.Cluster.Config.HttpRequest?.ActivityTimeout ?? TimeSpan.FromSeconds(100));
    }

    /// <summary>Unsafe methods through an origin route invalidate the stored responses for their URL (RFC 9111 section 4.4).</summary>
    public void Invalidate(ResolvedRoute route, ObjectKey key) => Cache.Purge(OriginNamespace(route), key.Value, prefix: false);

    private (CacheBinding Binding, CacheTrace Trace) Start(HttpContext context, ResolvedRoute route, string ns)
    {
        var policy = route.Policy;
        var trace = new CacheTrace();
        var binding = new CacheBinding(
            ns,
            policy.Cache,
            policy.Range.SliceSize,
            new FillOptions(route.RouteId, policy.Buffer.ChunkSize, policy.Buffer.StallTimeout),
            CacheControlDirectives.ParseRequest(context.Request.Headers.CacheControl, context.Request.Headers.Pragma),
            key => policy.Headers.CacheControlFor(key) is { } served ? CacheControlDirectives.Parse([served]) : null);
        if (context.Features.Get<AccessLogRecord>() is { } record)
        {
            record.Cache = trace;
        }

        context.Response.OnStarting(() =>
        {
            trace.WriteTo(context.Response.Headers);
            metrics.Request(route.RouteId, trace.Status);
            return Task.CompletedTask;
        });
        return (binding, trace);
    }

    /// <summary>Headers the cache sets on its own origin requests, or that must not reach a shared fill.</summary>
    private static readonly HashSet<string> CacheDecidedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Range", "If-Range", "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since", "Accept-Encoding", "Cache-Control", "Pragma",
        "Content-Length", "Transfer-Encoding", "Expect",
    };
}
