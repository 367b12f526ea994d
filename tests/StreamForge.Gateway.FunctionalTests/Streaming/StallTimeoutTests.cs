using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Streaming;

/// <summary>A client that accepts no bytes for the policy's stall timeout is cut off, and upstream released.</summary>
public sealed class StallTimeoutTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("stall");
    private FaultOrigin _origin = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        using (var file = File.Create(Path.Combine(_folder.Path, "big.bin")))
        {
            file.SetLength(256L * 1024 * 1024);
        }

        _origin = await FaultOrigin.StartAsync();
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("files", $"file://{_folder.Path}/")
            .Route("stall-files", "/files/{**key}", "files", policy: "impatient")
            .Cluster("origin", _origin.Address.ToString())
            .Route("stall-origin", "/origin/{**rest}", "origin", policy: "impatient")
            .Set("ReverseProxy:Routes:stall-origin:Transforms:0:PathRemovePrefix", "/origin")
            .Set("StreamForge:StreamPolicies:impatient:Buffer:StallTimeout", "00:00:01"));
    }

    [Theory]
    [InlineData("/files/big.bin", "stall-files")]
    [InlineData("/origin/counted/1024", "stall-origin")]
    public async Task A_stalled_client_is_disconnected(string path, string route)
    {
        using var stalls = new RouteMeter("streamforge.streams.aborted", route, reason: "stalled");
        using var client = PausedClient.Create(_gateway.Address);
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);

        await Eventually.TrueAsync(() => stalls.Total > 0, "the gateway gives up on the stalled client");

        var body = await response.Content.ReadAsStreamAsync();
        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null));
    }

    [Fact]
    public async Task An_upload_to_an_origin_that_stops_sending_is_answered_408_upload_stalled()
    {
        // Half the declared body, then nothing: cut off at the route's stall timeout (was YARP's 100 s, with a bare 408).
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(_gateway.Address.Host, _gateway.Address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("PUT /origin/count HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n"u8.ToArray());
        await stream.WriteAsync(new byte[100_000]);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var answer = await new StreamReader(stream, System.Text.Encoding.Latin1).ReadToEndAsync(timeout.Token);

        Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal);
        Assert.Contains("upload_stalled", answer, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _origin.DisposeAsync();
        _folder.Dispose();
    }
}
