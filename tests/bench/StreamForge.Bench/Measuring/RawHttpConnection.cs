using System.Net.Sockets;
using System.Text;

namespace StreamForge.Bench.Measuring;

/// <summary>
/// A bare HTTP/1.1 GET over a socket, reading the body into the caller's reused buffer: the lightest client
/// possible, so on a 2-core machine the client takes as little CPU from the contenders as it can. It also lets
/// a slow client fix its receive buffer before connecting (HttpClient offers no such knob).
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private const int MaxHead = 16 * 1024;
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly Uri _baseUri;
    private byte[] _pending = [];
    private int _pendingOffset;

    private RawHttpConnection(Socket socket, Uri baseUri)
    {
        _socket = socket;
        _baseUri = baseUri;
    }

    /// <param name="receiveBufferSize">SO_RCVBUF; set before connect, it also turns off the kernel's auto-tuning.</param>
    public static async Task<RawHttpConnection> OpenAsync(Uri uri, int? receiveBufferSize, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (receiveBufferSize is { } size)
            {
                socket.ReceiveBufferSize = size;
            }

            await socket.ConnectAsync(uri.Host, uri.Port, cancellationToken);
            return new RawHttpConnection(socket, uri);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends a GET (closing the connection after it) and reads the response head.</summary>
    public async Task<ResponseHead> GetAsync(Uri uri, string? range, CancellationToken cancellationToken)
    {
        var request = new StringBuilder()
            .Append($"GET {uri.PathAndQuery} HTTP/1.1\r\n")
            .Append($"Host: {_baseUri.Authority}\r\n")
            .Append("Connection: close\r\n");
        if (range is not null)
        {
            request.Append($"Range: {range}\r\n");
        }

        await _socket.SendAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()), cancellationToken);

        var head = new byte[MaxHead];
        var length = 0;
        int end;
        while ((end = head.AsSpan(0, length).IndexOf(HeadEnd)) < 0)
        {
            if (length == head.Length)
            {
                throw new BenchException($"response head from {uri} is over {MaxHead} bytes");
            }

            var read = await _socket.ReceiveAsync(head.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                throw new BenchException($"{uri} closed the connection before the response head ended");
            }

            length += read;
        }

        _pending = head[(end + HeadEnd.Length)..length];
        _pendingOffset = 0;
        return Parse(Encoding.ASCII.GetString(head, 0, end));
    }

    /// <summary>Reads body bytes (first those that came with the head); 0 at the end of the connection.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        TakePending(buffer.Span) is var pending and > 0 ? pending : await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    /// <summary>As <see cref="ReadAsync"/>, blocking the calling thread.</summary>
    public int Read(Span<byte> buffer) =>
        TakePending(buffer) is var pending and > 0 ? pending : _socket.Receive(buffer, SocketFlags.None);

    /// <summary>Copies body bytes that came with the head; 0 once they are all taken.</summary>
    private int TakePending(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _pending.Length - _pendingOffset);
        if (count <= 0)
        {
            return 0;
        }

        _pending.AsSpan(_pendingOffset, count).CopyTo(buffer);
        _pendingOffset += count;
        return count;
    }

    public void Dispose() => _socket.Dispose();

    private static ResponseHead Parse(string head)
    {
        var lines = head.Split("\r\n");
        var status = lines[0].Split(' ');
        if (status.Length < 2 || !int.TryParse(status[1], out var code))
        {
            throw new BenchException($"not an HTTP status line: {lines[0]}");
        }

        long? contentLength = null;
        var chunked = false;
        string? contentRange = null;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = long.Parse(value);
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("Content-Range", StringComparison.OrdinalIgnoreCase))
            {
                contentRange = value;
            }
        }

        return new ResponseHead(code, contentLength, chunked, contentRange, headers);
    }
}
