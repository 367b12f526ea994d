using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Operator;

/// <summary>
/// The access log: one JSON line per request with the status and the bytes that really moved, for a full GET, a 206,
/// a download the client walked away from, an upload and a refusal; off writes nothing.
/// </summary>
public sealed class AccessLogTests : IAsyncLifetime
{
    private const int Size = 4 * TestData.MiB;
    private readonly TempFolder _folder = new("access-log");
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        TestData.CreateFile(_folder.Combine("clip.mp4"), Size);
        TestData.CreateFile(_folder.Combine("long.mp4"), 64 * TestData.MiB);
        _gateway = await GatewayHost.StartAsync(Config(_folder));
    }

    [Fact]
    public async Task A_full_GET_is_one_line_with_its_status_and_every_byte_sent()
    {
        using var response = await _gateway.Client.GetAsync("/files/clip.mp4?v=1");
        Assert.Equal(Size, (await response.Content.ReadAsByteArrayAsync()).Length);

        var line = await AccessLogFile.LineForAsync(_gateway, "GET", "/files/clip.mp4?v=1");
        Assert.Equal(200, line.GetProperty("status").GetInt32());
        Assert.Equal(Size, line.GetProperty("bytes_sent").GetInt64());
        Assert.Equal(0, line.GetProperty("bytes_received").GetInt64());
        Assert.Equal("files", line.GetProperty("route").GetString());
        Assert.Equal("127.0.0.1", line.GetProperty("client").GetString());
        Assert.Equal("HTTP/1.1", line.GetProperty("protocol").GetString());
        Assert.Equal(JsonValueKind.Number, line.GetProperty("upstream_ttfb_ms").ValueKind);
        Assert.Equal(JsonValueKind.Null, line.GetProperty("error").ValueKind);
        Assert.Equal(JsonValueKind.Null, line.GetProperty("cache_status").ValueKind);
        Assert.True(DateTimeOffset.TryParse(line.GetProperty("time").GetString(), out _));
    }

    [Fact]
    public async Task A_206_logs_the_range_served_and_only_its_bytes()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/files/clip.mp4");
        request.Headers.Range = new RangeHeaderValue(100, 1099);
        using var response = await _gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(1000, (await response.Content.ReadAsByteArrayAsync()).Length);

        var line = await AccessLogFile.LineForAsync(_gateway, "GET", "/files/clip.mp4");
        Assert.Equal(206, line.GetProperty("status").GetInt32());
        Assert.Equal(1000, line.GetProperty("bytes_sent").GetInt64());
        Assert.Equal($"bytes 100-1099/{Size}", line.GetProperty("range").GetString());
    }

    [Fact]
    public async Task An_aborted_download_logs_the_bytes_that_went_out_and_why_it_ended()
    {
        const int read = 256 * 1024;
        using (var response = await _gateway.Client.GetAsync("/slow/long.mp4", HttpCompletionOption.ResponseHeadersRead))
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            await body.ReadExactlyAsync(new byte[read]);
        }

        var line = await AccessLogFile.LineForAsync(_gateway, "GET", "/slow/long.mp4");
        Assert.Equal(200, line.GetProperty("status").GetInt32());
        // What the client read went out; the throttle (1 MiB/s) keeps the rest of the 64 MiB from ever leaving.
        Assert.InRange(line.GetProperty("bytes_sent").GetInt64(), read, 32L * TestData.MiB);
        Assert.NotNull(line.GetProperty("error").GetString());
        Assert.Equal("stream 1MiB/s", line.GetProperty("throttle").GetString());
    }

    [Fact]
    public async Task An_upload_logs_every_byte_received()
    {
        const int length = 3 * TestData.MiB + 17;
        using var put = await _gateway.Client.PutAsync("/files/up/new.bin", new StreamContent(new GeneratedBody(length)));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var receipt = await put.Content.ReadAsByteArrayAsync();

        var line = await AccessLogFile.LineForAsync(_gateway, "PUT", "/files/up/new.bin");
        Assert.Equal(200, line.GetProperty("status").GetInt32());
        Assert.Equal(length, line.GetProperty("bytes_received").GetInt64());
        Assert.Equal(receipt.Length, line.GetProperty("bytes_sent").GetInt64());
    }

    [Fact]
    public async Task A_refusal_logs_its_stable_error_code()
    {
        using var response = await _gateway.Client.GetAsync("/files/missing.mp4");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();

        var line = await AccessLogFile.LineForAsync(_gateway, "GET", "/files/missing.mp4");
        Assert.Equal(404, line.GetProperty("status").GetInt32());
        Assert.Equal("object_not_found", line.GetProperty("error").GetString());
        Assert.Equal(body.Length, line.GetProperty("bytes_sent").GetInt64());
    }

    [Fact]
    public async Task Switched_off_it_writes_nothing()
    {
        await using var gateway = await GatewayHost.StartAsync(Config(_folder).Set("StreamForge:AccessLog:Enabled", "false"));
        using var response = await gateway.Client.GetAsync("/files/clip.mp4");
        response.EnsureSuccessStatusCode();
        using var status = JsonDocument.Parse(await gateway.Client.GetStringAsync("/_streamforge/status.json"));

        Assert.False(status.RootElement.GetProperty("access_log").GetProperty("enabled").GetBoolean());
        Assert.False(Directory.Exists(AccessLogFile.DirectoryOf(gateway)));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _folder.Dispose();
    }

    private static GatewayConfig Config(TempFolder folder) => new GatewayConfig()
        .Cluster("store", $"file://{folder.Path}/")
        .Route("files", "/files/{**key}", "store", writeAccess: "Loopback")
        .Route("slow", "/slow/{**key}", "store", policy: "paced")
        .Set("StreamForge:StreamPolicies:paced:Throttle:BytesPerSecond", "1MiB");
}
