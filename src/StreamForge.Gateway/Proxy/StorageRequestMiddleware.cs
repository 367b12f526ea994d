using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Routing;
using StreamForge.Gateway.Security;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// Step of YARP's proxy pipeline: requests whose cluster is storage are answered here (GET, HEAD, PUT, POST, and
/// tus's OPTIONS, POST, HEAD, PATCH and DELETE where the policy enables resumable uploads);
/// requests to HTTP origins continue to YARP's forwarder.
/// </summary>
internal sealed class StorageRequestMiddleware(
    RequestDelegate next,
    ObjectDownloadHandler downloads,
    ObjectUploadHandler uploads,
    FormUploadHandler forms,
    TusHandler tus,
    EdgeCacheBinder edgeCache,
    TimeProvider time)
{
    public Task InvokeAsync(HttpContext context)
    {
        var route = context.GetResolvedRoute();
        if (route.Store is not { } store)
        {
            return next(context);
        }

        // Reads only: a write's preconditions (If-Match, If-None-Match: *) hold against what storage has now, not the
        // cached copy (RFC 9110 section 13.1.1), and its response is no cache's answer (no Cache-Status, no Age).
        if (route.Caches && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)))
        {
            store = edgeCache.Bind(context, route, store);
        }
        else
        {
            store = edgeCache.BindWrites(route, store);
        }

        var keyPath = KeyFromRoute(context);
        if (route.Policy.Access is { } signed)
        {
            // Before any upstream call: an unsigned request costs the store nothing.
            var refusal = SignedUrl.Verify(route.RouteId, keyPath, signed, time.GetUtcNow(), context.Connection.RemoteIpAddress, out keyPath);
            if (refusal is not null)
            {
                return ProblemResponder.WriteAsync(context, StatusCodes.Status403Forbidden, refusal, $"route '{route.RouteId}' serves signed URLs only ({refusal})");
            }
        }

        // Before the key check: a tus creation may name its key in metadata, and upload URLs are not object keys.
        if (TusHandler.Handles(context, route, keyPath))
        {
            return tus.HandleAsync(context, route, store, keyPath);
        }

        if (!ObjectKey.TryCreate(keyPath, out var key, out var problem))
        {
            return ProblemResponder.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidKey, problem);
        }

        if (!store.Accepts(key))
        {
            return ProblemResponder.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidKey,
                $"the object key, with this route's storage prefix, is longer than {ObjectKey.MaxUtf8Bytes} bytes");
        }

        var request = new StorageRequest(context, store, key, route);
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            return downloads.HandleAsync(request);
        }

        if (HttpMethods.IsPut(method))
        {
            return uploads.HandleAsync(request);
        }

        if (HttpMethods.IsPost(method))
        {
            return forms.HandleAsync(request);
        }

        return ProblemResponder.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, ErrorCodes.MethodNotAllowed,
            $"{method} is not supported on storage routes",
            headers => headers.Allow = route.WriteAccess == WriteAccess.None ? "GET, HEAD" : "GET, HEAD, PUT, POST");
    }

    /// <summary>The value of the route's catch-all parameter (e.g. <c>{**key}</c>), already percent-decoded.</summary>
    private static string? KeyFromRoute(HttpContext context)
    {
        var pattern = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern;
        var catchAll = pattern?.Parameters.FirstOrDefault(p => p.IsCatchAll);
        return catchAll is null ? null : context.Request.RouteValues[catchAll.Name] as string;
    }
}
