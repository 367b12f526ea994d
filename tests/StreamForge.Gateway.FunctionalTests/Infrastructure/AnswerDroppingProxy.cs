using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// A TCP relay in front of a server that, once armed, lets one matching request through and cuts the connection as
/// the server's answer to it starts coming back: the server did the work, the client never hears of it (a lost
/// answer, as a reset on the way back from S3 leaves it).
/// </summary>
internal sealed class AnswerDroppingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _server;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private string? _armedFor;

    private AnswerDroppingProxy(IPEndPoint server)
    {
        _server = server;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>How many answers were dropped.</summary>
    public int Dropped { get; private set; }

    public static AnswerDroppingProxy Start(string serverUrl)
    {
        var uri = new Uri(serverUrl);
        return new AnswerDroppingProxy(new IPEndPoint(IPAddress.Loopback, uri.Port));
    }

    /// <summary>Drops the answer to the next request whose head contains <paramref name="requestText"/> (e.g. "POST /media/a.bin?uploadId=").</summary>
    public void DropNextAnswerTo(string requestText) => _armedFor = requestText;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var server = new TcpClient();
        using (client)
        {
            try
            {
                await server.ConnectAsync(_server, _stopping.Token);
                var doomed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var up = CopyAsync(client.GetStream(), server.GetStream(), chunk => Inspect(chunk, doomed));
                var down = CopyAsync(server.GetStream(), client.GetStream(), _ => !doomed.Task.IsCompleted);
                await Task.WhenAny(up, down);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Either side went away: so does the relay.
            }
        }

        // Closing both ends unread makes the client see the connection fail mid-answer.
        client.Client.LingerState = new LingerOption(true, 0);
    }

    /// <summary>Marks the connection when the armed request goes through it; the request itself always passes.</summary>
    private bool Inspect(ReadOnlyMemory<byte> chunk, TaskCompletionSource doomed)
    {
        if (_armedFor is { } wanted && Encoding.Latin1.GetString(chunk.Span).Contains(wanted, StringComparison.Ordinal))
        {
            _armedFor = null;
            doomed.TrySetResult();
        }

        return true;
    }

    /// <summary>Copies until either side ends or <paramref name="pass"/> refuses a chunk (which ends the relay).</summary>
    private async Task CopyAsync(NetworkStream from, NetworkStream to, Func<ReadOnlyMemory<byte>, bool> pass)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, _stopping.Token);
            if (read == 0)
            {
                return;
            }

            if (!pass(buffer.AsMemory(0, read)))
            {
                Dropped++;
                return;
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
        }
    }
}
