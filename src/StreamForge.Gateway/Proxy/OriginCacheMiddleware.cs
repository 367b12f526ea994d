using StreamForge.Gateway.Caching;
using StreamForge.Gateway.Routing;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// Step of YARP's proxy pipeline before the origin forwarder: on a caching origin route, GET and HEAD are answered
/// from the edge cache through the same download handler as storage routes (ranges, conditionals, multipart),
/// with the origin behind the cache. What the cache cannot store goes on to the forwarder unchanged; unsafe methods
/// are forwarded and, when they succeed, drop the stored responses for their URL (RFC 9111 section 4.4).
/// </summary>
internal sealed class OriginCacheMiddleware(RequestDelegate next, ObjectDownloadHandler downloads, EdgeCacheBinder edgeCache)
{
    public Task InvokeAsync(HttpContext context)
    {
        var route = context.GetResolvedRoute();
        // Routes that do not cache pass straight through, without an async frame of this step's own.
        return !route.Caches || route.Store is not null ? next(context) : CachedAsync(context, route);
    }

    private async Task CachedAsync(HttpContext context, ResolvedRoute route)
    {
        var method = context.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            // RFC 9111 section 4.4, as the answer starts: a client that has read it must not be served the copy from
            // before its own write by its next request (on another connection, it may arrive before this one ends).
            context.Response.OnStarting(() =>
            {
                if (context.Response.StatusCode < 400)
                {
                    edgeCache.Invalidate(route, EdgeCacheBinder.OriginKey(context));
                }

                return Task.CompletedTask;
            });
            await next(context);
            if (context.Response.StatusCode < 400)
            {
                edgeCache.Invalidate(route, EdgeCacheBinder.OriginKey(context));
            }

            return;
        }

        var bound = edgeCache.BindOrigin(context, route);
        try
        {
            await downloads.HandleAsync(new StorageRequest(context, bound.Store, bound.Key, route));
        }
        catch (OriginNotCacheableException notCacheable)
        {
            if (notCacheable.Answer is { } answer)
            {
                AnsweredForward.Use(context, answer);
            }

            await next(context);
        }
    }
}
