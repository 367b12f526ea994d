using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Routing;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Proxy;

/// <summary>One request to a storage route, resolved: which store, which key, which route (and so which policy).</summary>
internal sealed record StorageRequest(HttpContext Context, IObjectStore Store, ObjectKey Key, ResolvedRoute Route)
{
    public StreamPolicy Policy => Route.Policy;

    public string RouteId => Route.RouteId;
}
