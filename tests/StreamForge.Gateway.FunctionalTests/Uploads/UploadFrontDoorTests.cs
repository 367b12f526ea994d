using System.Net;
using System.Net.Http.Json;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Uploads;

/// <summary>The other ways in: browser forms to storage, and curl uploads with Expect: 100-continue.</summary>
[Collection(S3Collection.Name)]
public sealed class UploadFrontDoorTests(S3ServerFixture s3) : IAsyncLifetime
{
    private readonly TempFolder _folder = new("frontdoor");
    private FaultOrigin _origin = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _origin = await FaultOrigin.StartAsync();
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/forms/")
            .Route("forms-s3", "/s3/{**key}", "bucket", policy: "parts", writeAccess: "Anonymous")
            .Set("StreamForge:StreamPolicies:parts:Upload:PartSize", "5MiB")
            .Cluster("files", $"file://{_folder.Combine("root")}/")
            .Route("forms-files", "/files/{**key}", "files", policy: "small", writeAccess: "Anonymous")
            .Route("read-only", "/ro/{**key}", "files", writeAccess: "None")
            .Set("StreamForge:StreamPolicies:small:Upload:MaxBodySize", "1MiB")
            .Set("StreamForge:StreamPolicies:small:Upload:MinBytesPerSecond", "50KB")
            .Set("StreamForge:StreamPolicies:small:Upload:MinRateGracePeriod", "00:00:01.500")
            .Cluster("origin", _origin.Address.ToString())
            .Route("origin", "/origin/{**rest}", "origin", policy: "small")
            .Set("ReverseProxy:Routes:origin:Transforms:0:PathRemovePrefix", "/origin"));
    }

    [Theory]
    [InlineData("/s3/form/clip.bin", 12 * TestData.MiB)]
    [InlineData("/files/form/clip.bin", 300_000)]
    public async Task A_form_upload_stores_its_file_part_byte_for_byte(string path, int size)
    {
        var source = _folder.Combine($"form-{size}.bin");
        var expected = TestData.CreateFile(source, size, seed: 4);

        var (code, output) = await CommandLine.RunAsync("curl",
            ["-sS", "-f", "-F", "title=holiday", "-F", $"file=@{source};type=video/mp4", new Uri(_gateway.Address, path).ToString()]);

        Assert.True(code == 0, output);
        using var stored = await _gateway.Client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(expected, await TestData.Sha256Async(await stored.Content.ReadAsStreamAsync()));
    }

    [Fact]
    public async Task A_form_without_a_file_part_is_refused()
    {
        using var form = new MultipartFormDataContent { { new StringContent("only a field"), "title" } };

        using var response = await _gateway.Client.PostAsync("/files/form/none.bin", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("file_part_missing", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
    }

    [Fact]
    public async Task A_chunked_form_over_the_limit_before_its_file_part_is_413_not_a_malformed_form()
    {
        using var form = new MultipartFormDataContent { { new StringContent(new string('n', 2 * TestData.MiB)), "notes" }, { new ByteArrayContent([1, 2, 3]), "file", "clip.bin" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/files/form/noted.bin") { Content = form };
        request.Headers.TransferEncodingChunked = true; // No Content-Length: the limit is met while the fields are read.

        using var response = await _gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("upload_too_large", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
    }

    [Theory]
    [InlineData("/s3/form/digest-good.bin", true)]
    [InlineData("/s3/form/digest-bad.bin", false)]
    [InlineData("/files/form/digest-good.bin", true)]
    [InlineData("/files/form/digest-bad.bin", false)]
    public async Task A_file_parts_own_content_md5_is_verified(string path, bool matches)
    {
        var body = new byte[300_000];
        new Random(7).NextBytes(body);
        var file = new ByteArrayContent(body);
        file.Headers.ContentMD5 = matches ? System.Security.Cryptography.MD5.HashData(body) : new byte[16];
        using var form = new MultipartFormDataContent { { new StringContent("holiday"), "title" }, { file, "file", "clip.bin" } };

        using var response = await _gateway.Client.PostAsync(path, form);

        if (matches)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            using var stored = await _gateway.Client.GetAsync(path);
            Assert.Equal(body, await stored.Content.ReadAsByteArrayAsync());
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("checksum_mismatch", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
            using var stored = await _gateway.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
        }
    }

    [Theory]
    [InlineData("Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("x-amz-checksum-sha256", "not base64!")]
    public async Task A_digest_of_the_whole_form_is_refused_not_ignored(string header, string value)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "clip.bin" } };
        form.Headers.TryAddWithoutValidation(header, value);

        using var response = await _gateway.Client.PostAsync("/files/form/whole-form-digest.bin", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_checksum", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        using var stored = await _gateway.Client.GetAsync("/files/form/whole-form-digest.bin");
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }

    [Theory]
    [InlineData("/s3/form/fragment.bin")]
    [InlineData("/files/form/fragment.bin")]
    public async Task A_put_of_part_of_a_representation_is_refused_and_stores_nothing(string path)
    {
        // RFC 9110 section 14.4: a server MUST answer 400 to a PUT with Content-Range.
        var (status, response) = await RawHttp.SendAsync(_gateway.Address,
            $"PUT {path} HTTP/1.1\nHost: x\nContent-Range: bytes 0-9/100\nContent-Length: 10\n\n", "0123456789"u8.ToArray());

        Assert.Equal(400, status);
        Assert.Contains("partial_upload", response, StringComparison.Ordinal);
        using var stored = await _gateway.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }

    [Theory]
    [InlineData("/s3/form/coded.js")]
    [InlineData("/files/form/coded.js")]
    public async Task A_coded_body_is_refused_rather_than_stored_without_its_coding(string path)
    {
        var (status, response) = await RawHttp.SendAsync(_gateway.Address,
            $"PUT {path} HTTP/1.1\nHost: x\nContent-Type: text/javascript\nContent-Encoding: gzip\nContent-Length: 10\n\n", new byte[10]);

        Assert.Equal(415, status);
        Assert.Contains("content_coding_unsupported", response, StringComparison.Ordinal);
        Assert.Contains("Accept-Encoding: identity", response, StringComparison.OrdinalIgnoreCase);
        using var stored = await _gateway.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }

    [Fact]
    public async Task A_slow_loris_body_to_an_origin_is_cut_off_with_the_routes_rate_and_a_problem_408()
    {
        // The route's Upload:MinBytesPerSecond, as on storage routes: a trickle, then nothing.
        var (status, response) = await RawHttp.SendAsync(_gateway.Address,
            "PUT /origin/loris.bin HTTP/1.1\nHost: x\nContent-Length: 900000\n\n", new byte[1000]);

        Assert.Equal(408, status);
        Assert.Contains("upload_too_slow", response, StringComparison.Ordinal); // was an empty 408
    }

    [Fact]
    public async Task A_post_that_is_not_a_form_gets_415()
    {
        using var response = await _gateway.Client.PostAsync("/files/form/raw.bin", new ByteArrayContent([1, 2]));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("form_expected", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
    }

    [Fact]
    public async Task Any_post_to_a_read_only_route_gets_405_whatever_its_body()
    {
        // Not 415 form_expected: no form would have been taken here.
        using var raw = await _gateway.Client.PostAsync("/ro/raw.bin", new ByteArrayContent([1, 2]));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, raw.StatusCode);
        Assert.Equal("method_not_allowed", (await raw.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        Assert.Contains("GET", raw.Content.Headers.Allow);
        Assert.DoesNotContain("POST", raw.Content.Headers.Allow);
    }

    [Fact]
    public async Task An_upload_to_an_origin_streams_through_with_expect_100_continue()
    {
        var source = _folder.Combine("continue.bin");
        TestData.CreateFile(source, 800_000);

        var (code, output) = await CommandLine.RunAsync("curl",
            ["-sS", "-f", "-H", "Expect: 100-continue", "-T", source, new Uri(_gateway.Address, "/origin/count").ToString()]);

        Assert.True(code == 0, output);
        Assert.StartsWith("800000 ", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/files/too-big.bin")]
    [InlineData("/origin/count")]
    public async Task An_oversized_upload_with_expect_100_continue_is_refused_before_the_body_is_sent(string path)
    {
        var source = _folder.Combine("oversized.bin");
        TestData.CreateFile(source, 3 * TestData.MiB);

        var (_, output) = await CommandLine.RunAsync("curl",
            ["-sS", "-v", "-H", "Expect: 100-continue", "-T", source, new Uri(_gateway.Address, path).ToString()]);

        Assert.Contains("< HTTP/1.1 413", output, StringComparison.Ordinal);
        Assert.DoesNotContain("HTTP/1.1 100 Continue", output, StringComparison.Ordinal);
        Assert.Contains("upload_too_large", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/files/small-chunks.bin")]
    [InlineData("/origin/count")]
    public async Task The_limit_counts_a_chunked_bodys_content_not_its_framing(string path)
    {
        // 300,000 bytes in 16-byte chunks: 1.65 MB on the wire with the framing, a third of the 1 MiB limit in content.
        var (status, response) = await RawHttp.SendAsync(_gateway.Address,
            $"PUT {path} HTTP/1.1\nHost: x\nTransfer-Encoding: chunked\n\n", ChunkedBody(300_000, chunkSize: 16));

        Assert.Equal(path.StartsWith("/origin/", StringComparison.Ordinal) ? 200 : 201, status);
        if (path.StartsWith("/origin/", StringComparison.Ordinal))
        {
            Assert.Contains("300000", response, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(300_000, new FileInfo(_folder.Combine("root", "small-chunks.bin")).Length);
        }
    }

    [Theory]
    [InlineData("/files/chunked-too-big.bin")]
    [InlineData("/origin/count")]
    public async Task A_chunked_body_crossing_the_limit_gets_a_problem_413(string path)
    {
        var (status, response) = await RawHttp.SendAsync(_gateway.Address,
            $"PUT {path} HTTP/1.1\nHost: x\nTransfer-Encoding: chunked\n\n", ChunkedBody(TestData.MiB + 1, chunkSize: 65_536));

        Assert.Equal(413, status);
        Assert.Contains("upload_too_large", response, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.Combine("root", "chunked-too-big.bin")));
    }

    /// <summary><paramref name="length"/> bytes of chunked framing in chunks of <paramref name="chunkSize"/>, last chunk included.</summary>
    private static byte[] ChunkedBody(int length, int chunkSize)
    {
        using var body = new MemoryStream();
        for (var sent = 0; sent < length; sent += chunkSize)
        {
            var size = Math.Min(chunkSize, length - sent);
            body.Write(System.Text.Encoding.ASCII.GetBytes($"{size:x}\r\n"));
            body.Write(new byte[size]);
            body.Write("\r\n"u8);
        }

        body.Write("0\r\n\r\n"u8);
        return body.ToArray();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _origin.DisposeAsync();
        _folder.Dispose();
    }
}
