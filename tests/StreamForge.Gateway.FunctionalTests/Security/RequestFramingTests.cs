using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Security;

/// <summary>Framing and target forms that a lenient parser lets through, sent byte for byte on a raw socket.</summary>
public sealed class RequestFramingTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("framing");
    private GatewayHost _gateway = null!;

    private string Authority => $"{_gateway.Address.Host}:{_gateway.Address.Port}";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder.Combine("root"));
        File.WriteAllText(_folder.Combine("root/inside.txt"), "inside");
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("files", $"file://{_folder.Combine("root")}/")
            .Route("files", "/files/{**key}", "files", writeAccess: "Anonymous"));
    }

    [Theory]
    [InlineData("/files/sub/../inside.txt")]
    [InlineData("/x/../files/inside.txt")]
    [InlineData("/files/%2e%2e/files/inside.txt")]
    public async Task Absolute_form_targets_with_dot_segments_get_400_like_origin_form(string path)
    {
        var (status, response) = await RawHttp.SendAsync(_gateway.Address, $"GET http://{Authority}{path} HTTP/1.1\nHost: {Authority}\n\n");

        Assert.Equal(400, status);
        Assert.Contains("invalid_path", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clean_absolute_form_target_is_served()
    {
        var (status, response) = await RawHttp.SendAsync(_gateway.Address, $"GET http://{Authority}/files/inside.txt HTTP/1.1\nHost: {Authority}\n\n");

        Assert.Equal(200, status);
        Assert.EndsWith("inside", response, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host:")]
    [InlineData("Host:    ")]
    public async Task An_empty_Host_is_refused_before_routing(string host)
    {
        // YARP sent origins its own Host beside the client's empty one: two Host lines (RFC 9112 section 3.2: 400).
        var (status, response) = await RawHttp.SendAsync(_gateway.Address, $"GET /files/inside.txt HTTP/1.1\n{host}\n\n");

        Assert.Equal(400, status);
        Assert.Contains("invalid_host", response, StringComparison.Ordinal);
        Assert.DoesNotContain("inside", response.Split("\r\n\r\n", 2)[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chunked_body_on_HTTP_1_0_is_refused_before_routing_and_nothing_is_stored()
    {
        var (status, response) = await RawHttp.SendAsync(_gateway.Address,
            "PUT /files/http10.txt HTTP/1.0\nHost: x\nTransfer-Encoding: chunked\n\n", "4\r\nabcd\r\n0\r\n\r\n"u8.ToArray());

        Assert.Equal(400, status);
        Assert.Contains("invalid_framing", response, StringComparison.Ordinal);
        Assert.Contains("Connection: close", response, StringComparison.OrdinalIgnoreCase);
        Assert.Single(Directory.GetFiles(_folder.Combine("root")));
    }

    [Theory]
    [InlineData("Content-Length: 4\nTransfer-Encoding: chunked", 400, "invalid_framing")] // nginx: 400 too
    [InlineData("Transfer-Encoding: chunked, chunked", 400, "invalid_framing")]           // RFC 9112 section 7: once
    [InlineData("Transfer-Encoding: gzip, chunked", 501, "transfer_coding_unsupported")]  // RFC 9112 section 6.1
    [InlineData("Transfer-Encoding: foo, chunked", 501, "transfer_coding_unsupported")]
    public async Task Ambiguous_or_unimplemented_framing_is_refused_and_nothing_is_stored(string framing, int expected, string code)
    {
        // Kestrel frames these by their final chunked: it dropped the other codings and passed the coded bytes on as
        // content, and renamed the Content-Length it ignored to X-Content-Length for the origin to see.
        var (status, response) = await RawHttp.SendAsync(_gateway.Address,
            $"PUT /files/framed.txt HTTP/1.1\nHost: x\n{framing}\n\n", "5\r\nhello\r\n0\r\n\r\n"u8.ToArray());

        Assert.Equal(expected, status);
        Assert.Contains(code, response, StringComparison.Ordinal);
        Assert.Contains("Connection: close", response, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(_folder.Combine("root/framed.txt")));
    }

    [Fact]
    public async Task Plain_framing_still_stores()
    {
        var (status, _) = await RawHttp.SendAsync(_gateway.Address, "PUT /files/plain.txt HTTP/1.1\nHost: x\nContent-Length: 4\n\n", "abcd"u8.ToArray());

        Assert.Equal(201, status);
        Assert.Equal("abcd", File.ReadAllText(_folder.Combine("root/plain.txt")));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _folder.Dispose();
    }
}
