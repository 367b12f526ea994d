using System.Net;
using Microsoft.AspNetCore.Authentication;

namespace StreamForge.Gateway.Security;

/// <summary>
/// Who may reach the admin surface (<c>/metrics</c> and everything under <c>/_streamforge/</c>; <c>StreamForge:Admin</c>):
/// loopback clients always, clients in <see cref="AllowedNetworks"/>, and, when <see cref="AllowAuthenticated"/>,
/// clients that authenticated with the gateway's API key or JWT. <c>/metrics</c> names the storage endpoints and
/// every route and the status page names clients and keys, which is nothing to show the whole internet; health
/// endpoints are not part of it and stay open.
/// </summary>
internal sealed record AdminAccess(IReadOnlyList<IPNetwork> AllowedNetworks, bool AllowAuthenticated = false)
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

    /// <summary>
    /// The request's client by address, or (when configured) by the identity the gateway's scheme gives it; only a
    /// client the address does not admit is authenticated (see <see cref="AuthenticationExtensions"/>).
    /// </summary>
    public async ValueTask<bool> AdmitsAsync(HttpContext context) =>
        Allows(context.Connection.RemoteIpAddress)
        || (AllowAuthenticated && (await context.AuthenticateAsync(AuthenticationExtensions.Scheme)).Succeeded);
}
