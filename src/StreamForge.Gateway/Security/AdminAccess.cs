using System.Net;

namespace StreamForge.Gateway.Security;

/// <summary>
/// Who may reach the admin surface (<c>/metrics</c>; <c>StreamForge:Admin</c>): loopback clients always, and clients in
/// <see cref="AllowedNetworks"/>. <c>/metrics</c> names the storage endpoints and every route, which is nothing to
/// show the whole internet; health endpoints are not part of it and stay open.
/// </summary>
internal sealed record AdminAccess(IReadOnlyList<IPNetwork> AllowedNetworks)
{
    public static AdminAccess LoopbackOnly { get; } = new([]);

    public bool Allows(IPAddress? remote)
    {
        if (remote is null)
        {
            return false;
        }

        var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        return IPAddress.IsLoopback(address) || AllowedNetworks.Any(network => network.Contains(address));
    }
}
