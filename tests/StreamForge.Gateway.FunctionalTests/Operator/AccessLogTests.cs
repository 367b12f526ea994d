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
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var receipt = await put.Content.ReadAsByteArrayAsync();

        var line = await AccessLogFile.LineForAsync(_gateway, "PUT", "/files/up/new.bin");
        Assert.Equal(201, line.GetProperty("status").GetInt32());
        Assert.Equal(length, line.GetProperty("bytes_received").GetInt64());
        Assert.Equal(receipt.Length, line.GetProperty("bytes_sent").GetInt64());
    }

    [Fact]
    public async Task An_upload_the_client_cuts_off_logs_499_and_the_bytes_that_arrived()
    {
        const int sent = 2 * TestData.MiB;
        using (var client = new System.Net.Sockets.TcpClient())
        {
            await client.ConnectAsync(_gateway.Address.Host, _gateway.Address.Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PUT /files/up/cut.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 8388608\r\n\r\n"u8.ToArray());
            await stream.WriteAsync(new byte[sent]);
            await Eventually.TrueAsync(async () => await UploadedBytesAsync("up/cut.bin") >= TestData.MiB, "the gateway is storing the body");
            // A reset, as a killed client's kernel sends: a FIN would be a body cut short, answered 400.
            client.Client.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        }

        var line = await AccessLogFile.LineForAsync(_gateway, "PUT", "/files/up/cut.bin");
        // Nothing was sent back: not the 200 an unstarted response holds, but nginx's "client closed request"; or, when
        // the socket reported the reset as an early end of the body before the request was marked aborted, the 400
        // the gateway answered to a body cut short (which no one received).
        var status = line.GetProperty("status").GetInt32();
        Assert.True(status is 499 or 400, $"status {status}");
        Assert.NotNull(line.GetProperty("error").GetString());
        if (status == 499)
        {
            Assert.Equal(0, line.GetProperty("bytes_sent").GetInt64());
        }

        Assert.InRange(line.GetProperty("bytes_received").GetInt64(), TestData.MiB, sent);
        Assert.False(File.Exists(_folder.Combine("up", "cut.bin")));
    }

    [Fact]
    public async Task A_resumable_upload_logs_the_bytes_each_PATCH_brought()
    {
        const int length = 300_000;
        using var create = new HttpRequestMessage(HttpMethod.Post, "/tus/up/resumed.bin");
        create.Headers.Add("Tus-Resumable", "1.0.0");
        create.Headers.Add("Upload-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var created = await _gateway.Client.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var uploadUrl = created.Headers.Location!;
        using var patch = new HttpRequestMessage(HttpMethod.Patch, uploadUrl) { Content = new StreamContent(new GeneratedBody(length)) };
        patch.Headers.Add("Tus-Resumable", "1.0.0");
        patch.Headers.Add("Upload-Offset", "0");
        patch.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        using var patched = await _gateway.Client.SendAsync(patch);
        Assert.Equal(HttpStatusCode.NoContent, patched.StatusCode);

        var target = uploadUrl.IsAbsoluteUri ? uploadUrl.PathAndQuery : uploadUrl.OriginalString;
        var line = await AccessLogFile.LineForAsync(_gateway, "PATCH", target);
        Assert.Equal(204, line.GetProperty("status").GetInt32());
        Assert.Equal(length, line.GetProperty("bytes_received").GetInt64());
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
    public async Task A_refused_target_is_logged_as_the_client_sent_it()
    {
        // The decoded, normalised path logged this as "/files/secret.mp4": a traversal attempt that read as a valid path.
        var (status, _) = await RawHttp.SendAsync(_gateway.Address, "GET /files/x/./../sec%72et.mp4 HTTP/1.1\nHost: localhost\n\n");
        Assert.Equal(400, status);

        var line = await AccessLogFile.LineForAsync(_gateway, "GET", "/files/x/./../sec%72et.mp4");
        Assert.Equal("invalid_path", line.GetProperty("error").GetString());
    }

    // Kestrel answers these itself, before any middleware: they left no line, and scanners went unseen.
    [Theory]
    [InlineData("GET /files/clip.mp4 HTTP/9.9\nHost: localhost\n\n", 505)]
    [InlineData("GET /files/clip.mp4 HTTP/1.1\nHost: localhost\nBad Header: x\n\n", 400)]
    public async Task A_request_the_server_refuses_before_parsing_it_whole_still_gets_its_line(string request, int expected)
    {
        var (status, _) = await RawHttp.SendAsync(_gateway.Address, request);
        Assert.Equal(expected, status);

        await Eventually.TrueAsync(() => AccessLogFile.ReadAll(_gateway).Any(line =>
            line.GetProperty("status").GetInt32() == expected
            && line.GetProperty("error").GetString() == "malformed_request"
            && line.GetProperty("client").GetString() == "127.0.0.1"), "the refused request's line");
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

    /// <summary>Bytes received so far by the upload in progress into <paramref name="key"/>, as the status page lists it.</summary>
    private async Task<long> UploadedBytesAsync(string key)
    {
        using var status = JsonDocument.Parse(await _gateway.Client.GetStringAsync("/_streamforge/status.json"));
        return status.RootElement.GetProperty("uploads").GetProperty("listed").EnumerateArray()
            .Where(upload => upload.GetProperty("key").GetString() == key)
            .Select(upload => upload.GetProperty("bytes").GetInt64())
            .DefaultIfEmpty(0)
            .Max();
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
        .Route("tus", "/tus/{**key}", "store", policy: "resumable", writeAccess: "Loopback")
        .Set("StreamForge:StreamPolicies:resumable:Resumable:Enabled", "true")
        .Set("StreamForge:StreamPolicies:paced:Throttle:BytesPerSecond", "1MiB");
}
