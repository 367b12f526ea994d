using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Proxy;

/// <summary>One request to a storage route, resolved: which store, which key, which policy.</summary>
internal sealed record StorageRequest(
    HttpContext Context,
    IObjectStore Store,
    ObjectKey Key,
    StreamPolicy Policy,
    string RouteId,
    IReadOnlyDictionary<string, string>? RouteMetadata);
