using System.Net;
using StreamForge.Gateway.Configuration;

namespace StreamForge.Gateway.Security;

/// <summary>Decides whether a client may write through a route, from the route's <c>WriteAccess</c> metadata.</summary>
internal static class WriteAccessGuard
{
    public static WriteAccess AccessOf(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is not null
        && metadata.TryGetValue(RouteMetadataKeys.WriteAccess, out var text)
        && Enum.TryParse<WriteAccess>(text, ignoreCase: true, out var access)
            ? access
            : WriteAccess.None;

    /// <summary>For the network-based modes; <see cref="WriteAccess.Authenticated"/> is decided by authentication.</summary>
    public static bool IsAllowed(WriteAccess access, IPAddress? remote) => access switch
    {
        WriteAccess.Anonymous => true,
        WriteAccess.Loopback => remote is not null && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote),
        _ => false,
    };
}
