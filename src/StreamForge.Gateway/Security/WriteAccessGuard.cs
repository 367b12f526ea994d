using System.Net;

namespace StreamForge.Gateway.Security;

/// <summary>Decides whether a client may write through a route, from the route's <see cref="WriteAccess"/>.</summary>
internal static class WriteAccessGuard
{
    /// <summary>For the network-based modes; <see cref="WriteAccess.Authenticated"/> is decided by authentication.</summary>
    public static bool IsAllowed(WriteAccess access, IPAddress? remote) => access switch
    {
        WriteAccess.Anonymous => true,
        WriteAccess.Loopback => remote is not null && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote),
        _ => false,
    };
}
