using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Security;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Routing;

/// <summary>
/// Everything the gateway needs to serve a route, resolved once when YARP loads (or reloads) its configuration and
/// attached to the route's endpoint as metadata. A request keeps the object it started with, so a stream in
/// flight finishes on the configuration it began under, whatever reloads happen meanwhile.
/// </summary>
/// <param name="Store">The store behind a storage cluster; null for an HTTP origin cluster.</param>
/// <param name="MediaTypes">Content types by extension for objects stored without a meaningful one.</param>
/// <param name="ClusterId">The route's YARP cluster: the edge cache's namespace, so routes onto one upstream share entries.</param>
internal sealed record ResolvedRoute(string RouteId, StreamPolicy Policy, WriteAccess WriteAccess, IObjectStore? Store, MediaTypes MediaTypes, string ClusterId = "")
{
    /// <summary>The route's responses are kept in the edge cache (its policy's <c>Cache</c> section).</summary>
    public bool Caches => Policy.Cache.Enabled;
}
