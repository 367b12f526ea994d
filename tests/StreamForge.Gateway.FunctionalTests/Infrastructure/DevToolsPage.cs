using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// A page open in <see cref="HeadlessChromium"/>, driven over the Chrome DevTools Protocol: evaluate script in it
/// (to read its live DOM) and take screenshots. Only commands and their replies; no events are enabled.
/// </summary>
internal sealed class DevToolsPage : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private int _nextId;

    private DevToolsPage(ClientWebSocket socket) => _socket = socket;

    /// <summary>Connects to the page whose address starts with <paramref name="page"/>, once Chromium lists it.</summary>
    public static async Task<DevToolsPage> ConnectAsync(int port, Uri page)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        string? socketUrl = null;
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                using var targets = JsonDocument.Parse(await http.GetStringAsync("/json/list"));
                socketUrl = targets.RootElement.EnumerateArray()
                    .Where(t => t.GetProperty("type").GetString() == "page" && t.GetProperty("url").GetString()!.StartsWith(page.ToString(), StringComparison.Ordinal))
                    .Select(t => t.GetProperty("webSocketDebuggerUrl").GetString())
                    .FirstOrDefault();
                return socketUrl is not null;
            }
            catch (HttpRequestException)
            {
                return false; // Chromium is still starting
            }
        }, $"Chromium to open {page}");
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(socketUrl!), CancellationToken.None);
        return new DevToolsPage(socket);
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page and returns its value (JSON-serialisable results).</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true });
        var value = result.GetProperty("result");
        Assert.False(result.TryGetProperty("exceptionDetails", out var error), $"{expression} threw: {error}");
        return value.TryGetProperty("value", out var v) ? v : default;
    }

    public async Task<byte[]> ScreenshotAsync()
    {
        var result = await SendAsync("Page.captureScreenshot", new { format = "png" });
        return Convert.FromBase64String(result.GetProperty("data").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }

        _socket.Dispose();
    }

    private async Task<JsonElement> SendAsync(string method, object parameters)
    {
        var id = ++_nextId;
        var command = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _socket.SendAsync(command, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        while (true)
        {
            using var reply = JsonDocument.Parse(await ReceiveAsync(timeout.Token));
            if (reply.RootElement.TryGetProperty("id", out var replyId) && replyId.GetInt32() == id)
            {
                Assert.False(reply.RootElement.TryGetProperty("error", out var error), $"{method} failed: {error}");
                return reply.RootElement.GetProperty("result").Clone();
            }
        }
    }

    private async Task<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken)
    {
        var message = new ArrayBufferWriter<byte>(16 * 1024);
        ValueWebSocketReceiveResult received;
        do
        {
            received = await _socket.ReceiveAsync(message.GetMemory(16 * 1024), cancellationToken);
            message.Advance(received.Count);
        }
        while (!received.EndOfMessage);

        return message.WrittenMemory;
    }
}
