using System.Net;
using System.Net.Sockets;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>A loopback port that was free a moment ago, for servers (nginx) that cannot report a port 0 binding.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
