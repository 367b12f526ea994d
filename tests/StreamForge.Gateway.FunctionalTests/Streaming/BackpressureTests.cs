using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Streaming;

/// <summary>
/// A slow reader slows the writer, in both directions, for storage and origin routes: with one side paused,
/// the bytes moved from the other side settle below the route's buffer plus socket buffers, and stay there.
/// </summary>
public sealed class BackpressureTests : IAsyncLifetime
{
    // What may legitimately sit between the two ends is kernel socket memory: here tcp_wmem autotunes to 4 MiB and
    // tcp_rmem to 32 MiB per socket. The ceilings below are those buffers on the path plus a few pipes; the bodies
    // are many times larger, so a gateway that read ahead into memory would blow through them.
    private const long MiB = 1024 * 1024;
    private const long StorageCeiling = 16 * MiB;   // gateway send buffer + Kestrel's response pipe
    private const long OriginCeiling = 64 * MiB;    // + origin send buffer and gateway receive buffer
    private const long UploadCeiling = 96 * MiB;    // client send + gateway receive + gateway send + origin receive

    private readonly TempFolder _folder = new("backpressure");
    private FaultOrigin _origin = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _origin = await FaultOrigin.StartAsync();
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("files", $"file://{_folder.Path}/")
            .Route("bp-files", "/files/{**key}", "files", policy: "patient")
            .Cluster("origin", _origin.Address.ToString())
            .Route("bp-origin", "/origin/{**rest}", "origin", policy: "patient")
            .Set("ReverseProxy:Routes:bp-origin:Transforms:0:PathRemovePrefix", "/origin")
            .Set("StreamForge:StreamPolicies:patient:Buffer:ChunkSize", "64KiB")
            .Set("StreamForge:StreamPolicies:patient:Buffer:StallTimeout", "00:10:00"));
    }

    [Fact]
    public async Task A_paused_client_stops_the_gateway_reading_from_storage()
    {
        var path = Path.Combine(_folder.Path, "big.bin");
        using (var file = File.Create(path))
        {
            file.SetLength(1024 * MiB);
        }

        using var sent = new RouteMeter("streamforge.bytes.sent", "bp-files");
        using var client = PausedClient.Create(_gateway.Address);
        using var response = await client.GetAsync("/files/big.bin", HttpCompletionOption.ResponseHeadersRead);

        var settled = await Plateau.WaitAsync(() => sent.Total, StorageCeiling, "bytes read from the file store");

        Assert.InRange(settled, 1, StorageCeiling);
    }

    [Fact]
    public async Task A_paused_client_stops_the_gateway_reading_from_the_origin()
    {
        using var client = PausedClient.Create(_gateway.Address);
        using var response = await client.GetAsync("/origin/counted/2048", HttpCompletionOption.ResponseHeadersRead);

        var settled = await Plateau.WaitAsync(() => _origin.CountedBytesWritten, OriginCeiling, "bytes the origin could write");

        Assert.InRange(settled, 1, OriginCeiling);
    }

    [Fact]
    public async Task An_origin_that_stops_reading_an_upload_stops_the_client_sending()
    {
        var body = new GeneratedBody(2048 * MiB);
        using var client = new HttpClient { BaseAddress = _gateway.Address, Timeout = Timeout.InfiniteTimeSpan };
        var content = new StreamContent(body, 64 * 1024);
        content.Headers.ContentLength = body.Length;
        var upload = client.PutAsync("/origin/slow-sink", content);

        var settled = await Plateau.WaitAsync(() => body.Taken, UploadCeiling, "bytes the client could send");

        Assert.InRange(settled, 1, UploadCeiling);
        Assert.False(upload.IsCompleted);
        _origin.Gate.TrySetResult();
        using var done = await upload;
        Assert.Equal(body.Length, _origin.SinkBytesRead);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _origin.DisposeAsync();
        _folder.Dispose();
    }
}
