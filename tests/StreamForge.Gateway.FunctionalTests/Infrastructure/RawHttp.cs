using System.Net.Sockets;
using System.Text;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// Sends a request exactly as written: HttpClient would normalise "..", percent-encoding and backslashes
/// before they reach the gateway, which is the very thing these tests must not allow.
/// </summary>
internal static class RawHttp
{
    /// <param name="closeAfterBody">Hang up right after sending, without waiting for an answer.</param>
    public static async Task<(int Status, string Response)> SendAsync(Uri server, string requestHead, byte[]? body = null, bool closeAfterBody = false)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        var head = requestHead.Replace("\n", "\r\n", StringComparison.Ordinal);
        if (!head.Contains("Connection:", StringComparison.OrdinalIgnoreCase))
        {
            head = head.TrimEnd('\r', '\n') + "\r\nConnection: close\r\n\r\n";
        }

        await stream.WriteAsync(Encoding.Latin1.GetBytes(head));
        if (body is not null)
        {
            await stream.WriteAsync(body);
        }

        if (closeAfterBody)
        {
            client.Client.Shutdown(SocketShutdown.Both);
            return (0, string.Empty);
        }

        var response = await ReadUntilClosedAsync(stream);
        var statusLine = response.Split("\r\n")[0];
        return (int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), response);
    }

    /// <summary>Reads until the server closes; a reset after the response arrived (refused uploads) ends it too.</summary>
    private static async Task<string> ReadUntilClosedAsync(NetworkStream stream)
    {
        var response = new StringBuilder();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                response.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }
        }
        catch (IOException) when (response.Length > 0)
        {
        }

        return response.ToString();
    }
}
