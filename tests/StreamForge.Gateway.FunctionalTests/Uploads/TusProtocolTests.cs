using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Uploads;

/// <summary>
/// The tus 1.0.0 protocol's own examples (https://tus.io/protocols/resumable-upload) replayed with curl against the
/// file store, and every error status the protocol defines.
/// </summary>
public sealed class TusProtocolTests : IAsyncLifetime
{
    private const string ApiKey = "tus-key-0123456789abcdef";

    private readonly TempFolder _folder = new("tus-protocol");
    private readonly ShiftedClock _clock = new();
    private GatewayHost _gateway = null!;

    private string Root => _folder.Combine("root");

    private string Base => _gateway.Address.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("files", $"file://{Root}/")
            .Route("files", "/files/{**key}", "files", policy: "tus", writeAccess: "Anonymous")
            .Route("keyed", "/keyed/{**key}", "files", policy: "tus", writeAccess: "Authenticated")
            .Route("plain", "/plain/{**key}", "files", writeAccess: "Anonymous")
            .Set("ReverseProxy:Routes:files:CorsPolicy", "uploaders")
            .Set("StreamForge:Cors:uploaders:AllowedOrigins", "https://app.example")
            .Set("StreamForge:Auth:ApiKeys:uploader", ApiKey)
            .Set("StreamForge:StreamPolicies:tus:Resumable:Enabled", "true")
            .Set("StreamForge:StreamPolicies:tus:Resumable:MaxSize", "1MiB")
            .Set("StreamForge:StreamPolicies:tus:Resumable:KeyFromFilename", "true"),
            services: s => s.AddSingleton<TimeProvider>(_clock));
    }

    [Fact]
    public async Task Options_advertises_the_version_extensions_size_and_checksums()
    {
        var response = await CurlAsync("-X", "OPTIONS", $"{Base}/files/");

        Assert.Equal(204, response.Status);
        Assert.Equal("1.0.0", response.Header("Tus-Version"));
        Assert.Equal("1.0.0", response.Header("Tus-Resumable"));
        Assert.Equal("creation,creation-with-upload,creation-defer-length,termination,expiration,checksum", response.Header("Tus-Extension"));
        Assert.Equal("1048576", response.Header("Tus-Max-Size"));
        Assert.Equal("sha1,md5,sha256", response.Header("Tus-Checksum-Algorithm"));
    }

    [Fact]
    public async Task A_browser_page_on_another_origin_may_speak_tus()
    {
        var preflight = await CurlAsync("-X", "OPTIONS", "-H", "Origin: https://app.example", "-H", "Access-Control-Request-Method: PATCH",
            "-H", "Access-Control-Request-Headers: tus-resumable,upload-offset,upload-checksum,content-type", $"{Base}/files/.streamforge-tus/0123456789abcdef0123456789abcdef");
        Assert.Equal(204, preflight.Status);
        Assert.Contains("PATCH", preflight.Header("Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Contains("upload-offset", preflight.Header("Access-Control-Allow-Headers")!, StringComparison.OrdinalIgnoreCase);

        var created = await CurlAsync("-X", "POST", "-H", "Origin: https://app.example", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Length: 1", $"{Base}/files/cors.bin");
        Assert.Equal(201, created.Status);
        var exposed = created.Header("Access-Control-Expose-Headers")!;
        foreach (var header in new[] { "Location", "Upload-Offset", "Upload-Expires", "Tus-Resumable" })
        {
            Assert.Contains(header, exposed, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task The_protocol_example_creates_reports_patches_and_stores_the_object()
    {
        // Upload-Metadata from the specification's example.
        var created = await CurlAsync("-X", "POST", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Length: 11",
            "-H", "Upload-Metadata: filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential", $"{Base}/files/docs/plan.pdf");
        Assert.Equal(201, created.Status);
        var location = created.Header("Location")!;
        Assert.StartsWith("/files/.streamforge-tus/", location, StringComparison.Ordinal);
        Assert.NotNull(created.Header("Upload-Expires"));

        var head = await CurlAsync("-I", "-H", "Tus-Resumable: 1.0.0", Base + location);
        Assert.Equal(200, head.Status);
        Assert.Equal("0", head.Header("Upload-Offset"));
        Assert.Equal("11", head.Header("Upload-Length"));
        Assert.Equal("no-store", head.Header("Cache-Control"));
        Assert.Equal("filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential", head.Header("Upload-Metadata"));
        Assert.False(File.Exists(Path.Combine(Root, "docs", "plan.pdf")), "nothing is visible before the upload completes");

        var first = await PatchAsync(location, 0, "hello");
        Assert.Equal(204, first.Status);
        Assert.Equal("5", first.Header("Upload-Offset"));
        var last = await PatchAsync(location, 5, " world");
        Assert.Equal(204, last.Status);
        Assert.Equal("11", last.Header("Upload-Offset"));

        Assert.Equal("hello world", await File.ReadAllTextAsync(Path.Combine(Root, "docs", "plan.pdf")));
        // The bytes were moved onto the key; only the record of the completion stays, until it expires.
        Assert.Equal([location.Split('/').Last() + ".info"], Directory.GetFiles(Path.Combine(Root, ".streamforge-tus")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_completed_upload_still_answers_head_and_an_empty_patch_and_delete_leaves_the_object()
    {
        var location = await CreateAsync(3);
        Assert.Equal(204, (await PatchAsync(location, 0, "abc")).Status);

        // tus core: HEAD includes Upload-Offset "even if ... the upload is already considered completed".
        var head = await CurlAsync("-I", "-H", "Tus-Resumable: 1.0.0", Base + location);
        Assert.Equal(200, head.Status);
        Assert.Equal("3", head.Header("Upload-Offset"));
        Assert.Equal("3", head.Header("Upload-Length"));
        var retried = await PatchAsync(location, 3, string.Empty);
        Assert.Equal(204, retried.Status);
        Assert.Equal("3", retried.Header("Upload-Offset"));
        Assert.Equal(413, (await PatchAsync(location, 3, "d")).Status);
        Assert.Equal(409, (await PatchAsync(location, 0, "abc")).Status);

        Assert.Equal(204, (await CurlAsync("-X", "DELETE", "-H", "Tus-Resumable: 1.0.0", Base + location)).Status);
        Assert.Equal(404, (await CurlAsync("-I", "-H", "Tus-Resumable: 1.0.0", Base + location)).Status);
        Assert.Equal("abc", await File.ReadAllTextAsync(Path.Combine(Root, "upload.bin")));
        Assert.Empty(Directory.GetFiles(Path.Combine(Root, ".streamforge-tus")));
    }

    [Fact]
    public async Task A_completed_uploads_record_expires_and_its_object_stays()
    {
        var location = await CreateAsync(2);
        Assert.Equal(204, (await PatchAsync(location, 0, "ok")).Status);
        _clock.Advance(TimeSpan.FromDays(2));

        Assert.Equal(410, (await CurlAsync("-I", "-H", "Tus-Resumable: 1.0.0", Base + location)).Status);
        Assert.Empty(Directory.GetFiles(Path.Combine(Root, ".streamforge-tus")));
        Assert.Equal("ok", await File.ReadAllTextAsync(Path.Combine(Root, "upload.bin")));
    }

    [Fact]
    public async Task A_creation_with_a_body_checks_its_checksum_and_a_refused_one_leaves_nothing()
    {
        var states = Directory.Exists(Path.Combine(Root, ".streamforge-tus")) ? Directory.GetFiles(Path.Combine(Root, ".streamforge-tus")).Length : 0;
        string[] Create(string checksum) => ["-X", "POST", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Length: 5", "-H", $"Upload-Checksum: {checksum}",
            "-H", "Content-Type: application/offset+octet-stream", "--data-binary", "01234", $"{Base}/files/summed.bin"];

        var wrong = await CurlAsync(Create("sha1 " + Convert.ToBase64String(SHA1.HashData("xxxxx"u8))));
        Assert.Equal(460, wrong.Status);
        Assert.Null(wrong.Header("Location"));
        Assert.Equal(400, (await CurlAsync(Create("crc32 AAAAAA=="))).Status);
        Assert.False(File.Exists(Path.Combine(Root, "summed.bin")));
        Assert.Equal(states, Directory.GetFiles(Path.Combine(Root, ".streamforge-tus")).Length);

        var right = await CurlAsync(Create("sha1 " + Convert.ToBase64String(SHA1.HashData("01234"u8))));
        Assert.Equal(201, right.Status);
        Assert.Equal("01234", await File.ReadAllTextAsync(Path.Combine(Root, "summed.bin")));
    }

    [Fact]
    public async Task A_client_limited_to_post_overrides_the_method()
    {
        var location = await CreateAsync(4);

        var patched = await CurlAsync("-X", "POST", "-H", "X-HTTP-Method-Override: PATCH", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Offset: 0",
            "-H", "Content-Type: application/offset+octet-stream", "--data-binary", "ab", Base + location);
        Assert.Equal(204, patched.Status);
        Assert.Equal("2", patched.Header("Upload-Offset"));
        var deleted = await CurlAsync("-X", "POST", "-H", "X-HTTP-Method-Override: DELETE", "-H", "Tus-Resumable: 1.0.0", Base + location);
        Assert.Equal(204, deleted.Status);
        Assert.Equal(404, (await CurlAsync("-I", "-H", "Tus-Resumable: 1.0.0", Base + location)).Status);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    public async Task The_method_override_is_the_method_whatever_the_method_sent(string sent)
    {
        var location = await CreateAsync(4);

        // tus 1.0.0: "the actual method of the request MUST be ignored".
        var patched = await CurlAsync("-X", sent, "-H", "X-HTTP-Method-Override: PATCH", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Offset: 0",
            "-H", "Content-Type: application/offset+octet-stream", "--data-binary", "ab", Base + location);
        Assert.Equal(204, patched.Status);
        Assert.Equal("2", patched.Header("Upload-Offset"));
    }

    [Fact]
    public async Task A_patch_refused_for_its_checksum_changes_nothing_of_the_upload()
    {
        var created = await CurlAsync("-X", "POST", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Defer-Length: 1", $"{Base}/files/deferred-summed.bin");
        var location = created.Header("Location")!;

        var refused = await PatchAsync(location, 0, "01234", "-H", "Upload-Length: 20", "-H", "Upload-Checksum: sha1 " + Convert.ToBase64String(SHA1.HashData("xxxxx"u8)));
        Assert.Equal(460, refused.Status);

        // tus checksum: "the upload and its offset MUST NOT be updated": the length it declared either.
        var head = await CurlAsync("-I", "-H", "Tus-Resumable: 1.0.0", Base + location);
        Assert.Equal(("0", "1", null), (head.Header("Upload-Offset"), head.Header("Upload-Defer-Length"), head.Header("Upload-Length")));
    }

    [Theory]
    [InlineData("Upload-Length: 5", "Upload-Defer-Length: 1")]
    [InlineData("Upload-Length: 5", "Upload-Metadata: k\u00e9 YQ==")]
    [InlineData("Upload-Length: 5", "Upload-Metadata: a\tb YQ==")]
    public async Task A_creation_that_breaks_the_header_rules_is_400(string first, string second)
    {
        var created = await CurlAsync("-X", "POST", "-H", "Tus-Resumable: 1.0.0", "-H", first, "-H", System.Text.RegularExpressions.Regex.Unescape(second), $"{Base}/files/rules.bin");

        Assert.Equal(400, created.Status);
        Assert.Contains("invalid_tus_request", created.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creation_with_upload_and_a_deferred_length_take_the_key_from_the_filename()
    {
        var created = await CurlAsync("-X", "POST", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Defer-Length: 1",
            "-H", "Upload-Metadata: filename " + Convert.ToBase64String("named/by-metadata.txt"u8),
            "-H", "Content-Type: application/offset+octet-stream", "--data-binary", "abc", $"{Base}/files/");
        Assert.Equal(201, created.Status);
        Assert.Equal("3", created.Header("Upload-Offset"));
        var location = created.Header("Location")!;

        var head = await CurlAsync("-I", "-H", "Tus-Resumable: 1.0.0", Base + location);
        Assert.Equal("1", head.Header("Upload-Defer-Length"));

        var last = await PatchAsync(location, 3, "def", "-H", "Upload-Length: 6");
        Assert.Equal(204, last.Status);
        Assert.Equal("abcdef", await File.ReadAllTextAsync(Path.Combine(Root, "named", "by-metadata.txt")));
    }

    [Fact]
    public async Task Every_tus_error_status_is_answered_with_problem_json()
    {
        var location = await CreateAsync(10);
        await PatchAsync(location, 0, "12345");

        Assert.Equal(409, (await PatchAsync(location, 0, "abc")).Status);
        var unsupported = await CurlAsync("-I", "-H", "Tus-Resumable: 0.2.2", Base + location);
        Assert.Equal(412, unsupported.Status);
        Assert.Equal("1.0.0", unsupported.Header("Tus-Version"));
        Assert.Equal(415, (await CurlAsync("-X", "PATCH", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Offset: 5", "-H", "Content-Type: text/plain", "--data-binary", "x", Base + location)).Status);

        var wrongSum = await PatchAsync(location, 5, "67890", "-H", "Upload-Checksum: sha1 " + Convert.ToBase64String(SHA1.HashData("other"u8)));
        Assert.Equal(460, wrongSum.Status);
        Assert.Contains("checksum_mismatch", wrongSum.Body, StringComparison.Ordinal);
        Assert.Equal("5", (await CurlAsync("-I", "-H", "Tus-Resumable: 1.0.0", Base + location)).Header("Upload-Offset"));

        Assert.Equal(413, (await PatchAsync(location, 5, "678901")).Status);
        Assert.Equal(413, (await CurlAsync("-X", "POST", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Length: 2000000", $"{Base}/files/huge.bin")).Status);
        Assert.Equal(404, (await CurlAsync("-I", "-H", "Tus-Resumable: 1.0.0", $"{Base}/files/.streamforge-tus/0123456789abcdef0123456789abcdef")).Status);
        var states = Directory.GetFiles(Path.Combine(Root, ".streamforge-tus")).Length;
        Assert.Equal(413, (await CurlAsync("-X", "POST", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Length: 2",
            "-H", "Content-Type: application/offset+octet-stream", "--data-binary", "abc", $"{Base}/files/short.bin")).Status);
        Assert.Equal(states, Directory.GetFiles(Path.Combine(Root, ".streamforge-tus")).Length);

        var rightSum = await PatchAsync(location, 5, "67890", "-H", "Upload-Checksum: sha1 " + Convert.ToBase64String(SHA1.HashData("67890"u8)));
        Assert.Equal(204, rightSum.Status);
        Assert.Equal("1234567890", await File.ReadAllTextAsync(Path.Combine(Root, "upload.bin")));
    }

    [Fact]
    public async Task A_completion_that_failed_is_finished_by_the_next_head()
    {
        Directory.CreateDirectory(Path.Combine(Root, "blocked", "by-a-folder"));
        var created = await CurlAsync("-X", "POST", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Length: 3", $"{Base}/files/blocked");
        var location = created.Header("Location")!;

        var refused = await PatchAsync(location, 0, "abc");
        Assert.Equal(400, refused.Status);
        Assert.Contains("storage_rejected_request", refused.Body, StringComparison.Ordinal);
        Directory.Delete(Path.Combine(Root, "blocked"), recursive: true);

        // tus-js-client, seeing offset == length, sends nothing more: the HEAD itself must finish the upload.
        var head = await CurlAsync("-I", "-H", "Tus-Resumable: 1.0.0", Base + location);

        Assert.Equal(200, head.Status);
        Assert.Equal("3", head.Header("Upload-Offset"));
        Assert.Equal("abc", await File.ReadAllTextAsync(Path.Combine(Root, "blocked")));
        var again = await CurlAsync("-I", "-H", "Tus-Resumable: 1.0.0", Base + location);
        Assert.Equal(200, again.Status);
        Assert.Equal("3", again.Header("Upload-Offset"));
    }

    [Fact]
    public async Task An_expired_upload_is_gone()
    {
        var location = await CreateAsync(10);
        _clock.Advance(TimeSpan.FromDays(2));

        var expired = await CurlAsync("-X", "PATCH", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Offset: 0",
            "-H", "Content-Type: application/offset+octet-stream", "--data-binary", "x", Base + location);

        Assert.Equal(410, expired.Status);
        Assert.Contains("upload_expired", expired.Body, StringComparison.Ordinal);
        Assert.Equal(404, (await CurlAsync("-I", "-H", "Tus-Resumable: 1.0.0", Base + location)).Status);
        Assert.Empty(Directory.GetFiles(Path.Combine(Root, ".streamforge-tus")));
    }

    [Fact]
    public async Task A_second_patch_while_one_is_in_flight_is_refused_with_423()
    {
        var location = await CreateAsync(1000);
        using var first = new TcpClient();
        await first.ConnectAsync(_gateway.Address.Host, _gateway.Address.Port);
        var stream = first.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"PATCH {location} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\nContent-Length: 1000\r\n\r\n"));
        await stream.WriteAsync(new byte[100]);
        // The first PATCH holds the upload once its bytes are on disk.
        await Eventually.TrueAsync(() => new FileInfo(Directory.GetFiles(Path.Combine(Root, ".streamforge-tus"), "*.bin").Single()).Length == 100, "the first PATCH is writing");

        var second = await PatchAsync(location, 100, "x");

        Assert.Equal(423, second.Status);
        Assert.Contains("upload_locked", second.Body, StringComparison.Ordinal);
        await stream.WriteAsync(new byte[900]);
        var reply = new byte[12];
        await stream.ReadExactlyAsync(reply);
        Assert.Equal("HTTP/1.1 204", Encoding.ASCII.GetString(reply));
    }

    [Theory]
    [InlineData("/files/.streamforge-tmp/upload.bin", null)]
    [InlineData("/files/", ".streamforge-tmp/upload.bin")] // KeyFromFilename
    [InlineData("/files/a-file.txt/inner.bin", null)] // Under an existing file: it could never be completed.
    public async Task A_creation_for_a_key_the_store_never_serves_is_refused_before_any_byte(string path, string? filename)
    {
        await File.WriteAllTextAsync(Path.Combine(Root, "a-file.txt"), "a file, not a folder");
        string[] metadata = filename is null ? [] : ["-H", "Upload-Metadata: filename " + Convert.ToBase64String(Encoding.UTF8.GetBytes(filename))];

        var created = await CurlAsync(["-X", "POST", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Length: 3", .. metadata, Base + path]);

        Assert.Equal(400, created.Status);
        Assert.Contains("invalid_key", created.Body, StringComparison.Ordinal);
        Assert.Equal("1.0.0", created.Header("Tus-Resumable"));
    }

    [Fact]
    public async Task Writes_need_the_routes_write_access_and_upload_state_is_never_served()
    {
        var refused = await CurlAsync("-X", "POST", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Length: 1", $"{Base}/keyed/a.bin");
        Assert.Equal(401, refused.Status);
        Assert.Equal("1.0.0", refused.Header("Tus-Resumable")); // tus: every response but OPTIONS's, the write gate's too
        Assert.Equal(201, (await CurlAsync("-X", "POST", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Length: 1", "-H", $"X-Api-Key: {ApiKey}", $"{Base}/keyed/a.bin")).Status);
        var location = await CreateAsync(4);
        var id = location.Split('/').Last();

        Assert.Equal(404, (await CurlAsync($"{Base}/files/.streamforge-tus/{id}.info")).Status);
        Assert.Equal(404, (await CurlAsync("-X", "PUT", "--data-binary", "x", $"{Base}/files/.streamforge-tus/{id}.bin")).Status);
        Assert.Equal(404, (await CurlAsync($"{Base}/plain/.streamforge-tus/{id}.info")).Status);
        // A route without tus takes a tus creation for what it is there: a POST that is not a form.
        Assert.Equal(415, (await CurlAsync("-X", "POST", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Length: 1", $"{Base}/plain/a.bin")).Status);
        Assert.Equal(405, (await CurlAsync("-X", "OPTIONS", $"{Base}/plain/a.bin")).Status);
        Assert.Equal(0, new FileInfo(Path.Combine(Root, ".streamforge-tus", id + ".bin")).Length);
    }

    private async Task<string> CreateAsync(long length)
    {
        var created = await CurlAsync("-X", "POST", "-H", "Tus-Resumable: 1.0.0", "-H", $"Upload-Length: {length}", $"{Base}/files/upload.bin");
        Assert.Equal(201, created.Status);
        return created.Header("Location")!;
    }

    private Task<CurlResponse> PatchAsync(string location, long offset, string body, params string[] extra) =>
        CurlAsync(["-X", "PATCH", "-H", "Tus-Resumable: 1.0.0", "-H", $"Upload-Offset: {offset}",
            "-H", "Content-Type: application/offset+octet-stream", "--data-binary", body, .. extra, Base + location]);

    private static async Task<CurlResponse> CurlAsync(params string[] arguments)
    {
        var (exitCode, output) = await CommandLine.RunAsync("curl", ["-s", "-i", .. arguments], timeoutSeconds: 30);
        Assert.True(exitCode == 0, $"curl failed: {output}");
        return CurlResponse.Parse(output);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _folder.Dispose();
    }

    private sealed record CurlResponse(int Status, IReadOnlyList<(string Name, string Value)> Headers, string Body)
    {
        public string? Header(string name) => Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

        public static CurlResponse Parse(string output)
        {
            var split = output.Split("\r\n\r\n", 2);
            var lines = split[0].Split("\r\n");
            var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => (p[0].Trim(), p[1].Trim())).ToList();
            return new CurlResponse(int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers, split.ElementAtOrDefault(1) ?? string.Empty);
        }
    }
}
