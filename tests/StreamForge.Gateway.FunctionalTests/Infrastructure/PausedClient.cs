using System.Net.Sockets;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>An HttpClient with a small socket receive buffer, for a client that stops reading.</summary>
internal static class PausedClient
{
    public static HttpClient Create(Uri address) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 64 * 1024, NoDelay = true };
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })
    {
        BaseAddress = address,
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
