using System.Net;
using System.Net.Sockets;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>Loopback ports for servers (nginx, redis) that cannot report a port 0 binding.</summary>
internal static class FreePort
{
    /// <summary>Whether something accepts connections on the port yet.</summary>
    public static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A port that was free a moment ago.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
