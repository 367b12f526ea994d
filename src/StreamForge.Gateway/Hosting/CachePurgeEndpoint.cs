using Microsoft.AspNetCore.Authentication;
using StreamForge.Gateway.Caching;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Proxy;
using StreamForge.Gateway.Security;
using Yarp.ReverseProxy;

namespace StreamForge.Gateway.Hosting;

/// <summary>
/// <c>DELETE /_streamforge/cache/{routeId}/{**key}</c> (<c>?prefix=true</c> for every key under a prefix): removes
/// cached versions of a route's upstream. Beyond the admin surface's network check, the caller must authenticate
/// with the gateway's API key or JWT: a purge makes the next readers go upstream, so nobody anonymous may cause it.
/// </summary>
internal static class CachePurgeEndpoint
{
    public static void MapCachePurge(this WebApplication app) =>
        app.MapDelete(StatusEndpoints.Prefix + "/cache/{routeId}/{**key}", PurgeAsync).WithMetadata(AdminEndpointMetadata.Instance);

    private static async Task PurgeAsync(HttpContext context, string routeId, string? key, IProxyStateLookup proxy, IServiceProvider services, ILogger<EdgeCache> logger)
    {
        var identity = await context.AuthenticateAsync(AuthenticationExtensions.Scheme);
        if (!identity.Succeeded)
        {
            await ProblemResponder.WriteAsync(context, StatusCodes.Status401Unauthorized, ErrorCodes.AuthenticationRequired,
                "purging the cache needs the gateway's API key or a JWT", headers => headers.WWWAuthenticate = "Bearer");
            return;
        }

        if (!proxy.TryGetRoute(routeId, out var route) || route.Config.ClusterId is not { } clusterId)
        {
            await ProblemResponder.WriteAsync(context, StatusCodes.Status404NotFound, ErrorCodes.RouteNotFound, $"no route '{routeId}' to purge");
            return;
        }

        var prefix = string.Equals(context.Request.Query["prefix"], "true", StringComparison.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(key) && !prefix)
        {
            await ProblemResponder.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidKey, "name a key, or use ?prefix=true to purge a whole route");
            return;
        }

        // Storage routes share their cluster's entries; origin routes have their own (EdgeCacheBinder.OriginNamespace).
        var cache = services.GetRequiredService<EdgeCache>();
        var purged = cache.Purge(clusterId, key ?? string.Empty, prefix) + cache.Purge(EdgeCacheBinder.OriginNamespace(clusterId, routeId), key ?? string.Empty, prefix);
        CacheLog.Purged(logger, routeId, key ?? string.Empty, prefix, purged);
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(new PurgeResult(routeId, key ?? string.Empty, prefix, purged), context.RequestAborted);
    }

    private sealed record PurgeResult(string Route, string Key, bool Prefix, int Purged);
}
