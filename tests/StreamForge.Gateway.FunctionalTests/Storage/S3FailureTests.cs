using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Storage;

/// <summary>
/// An S3 that hangs (SIGSTOP), dies (kill -9) or serves corrupt bytes, on a server of this class's own: requests
/// end with the right answer in bounded time, a truncated body never looks complete, and no upload is left open.
/// </summary>
public sealed class S3FailureTests : IAsyncLifetime
{
    private const string Prefix = "fail/";

    /// <summary>Bounds a failing test (one that would hang on a hung S3); never what makes a passing one pass.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly TempFolder _files = new("s3-failures");
    private DedicatedS3Server _s3 = null!;
    private GatewayHost _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _s3 = await DedicatedS3Server.StartAsync();
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(_s3.ServiceUrl)
            .Set("StreamForge:S3:ResponseTimeout", "00:00:01")
            .Cluster("bucket", "s3://media/" + Prefix)
            .Route("fail", "/fail/{**key}", "bucket", policy: "strict", writeAccess: "Anonymous")
            // Short, so that stalls are cut off within the tests' bounds; not 1 s, which a test's own steps between two
            // writes (polling for a part, stopping S3) could take on a loaded machine.
            .Set("StreamForge:StreamPolicies:strict:Buffer:StallTimeout", "00:00:03")
            .Set("StreamForge:StreamPolicies:strict:Range:SliceSize", "1MiB")
            .Set("StreamForge:StreamPolicies:strict:Upload:PartSize", "5MiB")
            .Set("StreamForge:StreamPolicies:strict:Upload:SinglePutMaxSize", "5MiB")
            .Set("StreamForge:StreamPolicies:strict:Upload:MaxBodySize", "64MiB")
            .Set("StreamForge:StreamPolicies:strict:Resumable:Enabled", "true"));
        _client = new HttpClient { BaseAddress = _gateway.Address, Timeout = Bound };
        await WarmUpAsync();
    }

    /// <summary>
    /// A fresh gateway's first S3 requests (its SDK client's first use, a new s3rver) can take longer than the 1 s
    /// S3 timeout on a loaded machine; a test must meet the timeout it is about, not that one. Retried on 504 only.
    /// </summary>
    private async Task WarmUpAsync()
    {
        await SeedAsync("warm/read.bin", 16);
        for (var attempt = 0; ; attempt++)
        {
            using var written = await _client.PutAsync("/fail/warm/written.bin", new ByteArrayContent(new byte[16]));
            using var read = await _client.GetAsync("/fail/warm/read.bin");
            if ((written.IsSuccessStatusCode && read.IsSuccessStatusCode) || attempt == 5)
            {
                Assert.True(written.IsSuccessStatusCode, $"warm-up PUT: {written.StatusCode}");
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
                return;
            }
        }
    }

    [Theory]
    [InlineData("GET", null)]
    [InlineData("GET", "bytes=0-99")]
    [InlineData("GET", "bytes=-10")]
    [InlineData("HEAD", null)]
    public async Task A_hung_S3_answers_504_upstream_timeout_instead_of_hanging(string method, string? range)
    {
        await SeedAsync("hung/read.bin", 4096);
        _s3.Pause();
        try
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), "/fail/hung/read.bin");
            if (range is not null)
            {
                request.Headers.TryAddWithoutValidation("Range", range);
            }

            using var response = await _client.SendAsync(request);

            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            if (method == "GET")
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Equal("upstream_timeout", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
            }
        }
        finally
        {
            _s3.Resume();
        }
    }

    [Theory]
    [InlineData(1000)]                 // one PutObject
    [InlineData(6 * TestData.MiB)]     // multipart: CreateMultipartUpload hangs
    public async Task A_put_to_a_hung_S3_answers_504_and_leaves_nothing_behind(int size)
    {
        var key = $"hung/put-{size}.bin";
        _s3.Pause();
        try
        {
            using var response = await _client.PutAsync("/fail/" + key, new ByteArrayContent(new byte[size]));

            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            Assert.Equal("upstream_timeout", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        }
        finally
        {
            _s3.Resume();
        }

        // The thawed server still reads what was queued; whatever it creates must be aborted, nothing stored.
        await Eventually.TrueAsync(async () => await _s3.OpenUploadsAsync(Prefix + key) == 0, "no multipart upload is left open");
        Assert.False(await ExistsAsync(Prefix + key));
    }

    [Theory]
    [InlineData(false)] // parts streamed from a body of known length
    [InlineData(true)]  // chunked: parts buffered
    public async Task S3_stalling_mid_upload_fails_the_put_and_the_upload_is_aborted_once_S3_is_back(bool chunked)
    {
        var key = $"hung/mid-upload-{chunked}.bin";
        using var client = new TcpClient();
        await client.ConnectAsync(_gateway.Address.Host, _gateway.Address.Port);
        var stream = client.GetStream();
        var framing = chunked ? $"Transfer-Encoding: chunked\r\n\r\n{12 * TestData.MiB:x}\r\n" : "Content-Length: 12582912\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"PUT /fail/{key} HTTP/1.1\r\nHost: x\r\n{framing}"));
        await stream.WriteAsync(new byte[6 * TestData.MiB]);
        await Eventually.TrueAsync(() => File.Exists(PartFile(1)), "part 1 is stored");

        _s3.Pause();
        try
        {
            // The rest goes out while S3 is frozen; part 2 cannot be delivered and the abort cannot either. The body is
            // whole (a chunked one ends with its last chunk), so that S3 is the only side that can stall: a body left
            // open would also run the client's stall timer, as short as S3's here, and either could answer first.
            var rest = WriteRestAsync(stream, 6 * TestData.MiB, chunked);
            var answer = await ReadResponseHeadAsync(stream);
            Assert.StartsWith("HTTP/1.1 504", answer, StringComparison.Ordinal);
            Assert.Contains("upstream_timeout", answer, StringComparison.Ordinal);
            client.Close();
            await Task.WhenAny(rest);
        }
        finally
        {
            _s3.Resume();
        }

        await Eventually.TrueAsync(async () => await _s3.OpenUploadsAsync(Prefix + key) == 0, "the abort is retried until S3 confirms it");
        Assert.False(await ExistsAsync(Prefix + key));
    }

    [Fact]
    public async Task S3_stalling_mid_body_aborts_the_download()
    {
        var expected = await SeedAsync("hung/big.bin", 64 * TestData.MiB);
        using var response = await _client.GetAsync("/fail/hung/big.bin", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[TestData.MiB];
        await body.ReadExactlyAsync(buffer);

        using var bound = new CancellationTokenSource(Bound);
        _s3.Pause();
        try
        {
            // Far more than any socket buffers hold is still to come: the gateway must give up and cut the connection.
            await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null, bound.Token));
        }
        finally
        {
            _s3.Resume();
        }

        Assert.NotEmpty(expected);
    }

    [Fact]
    public async Task A_corrupted_object_is_never_delivered_as_complete()
    {
        await SeedAsync("corrupt/flipped.bin", TestData.MiB);
        // Same length, stored MD5 (ETag) unchanged: only reading every byte can tell.
        await using (var stored = new FileStream(_s3.ObjectFile(Prefix + "corrupt/flipped.bin"), FileMode.Open, FileAccess.ReadWrite))
        {
            stored.Position = TestData.MiB - 10;
            var original = stored.ReadByte();
            stored.Position = TestData.MiB - 10;
            stored.WriteByte((byte)(original ^ 0xff));
        }

        using var response = await _client.GetAsync("/fail/corrupt/flipped.bin", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();

        using var bound = new CancellationTokenSource(Bound);
        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null, bound.Token));
    }

    [Fact]
    public async Task Clients_that_reset_while_the_upload_is_being_created_leave_no_open_upload()
    {
        var random = new Random(7);
        for (var attempt = 0; attempt < 40; attempt++)
        {
            using var client = new TcpClient { LingerState = new LingerOption(true, 0) };
            await client.ConnectAsync(_gateway.Address.Host, _gateway.Address.Port);
            await client.GetStream().WriteAsync("PUT /fail/reset/created.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 12582912\r\n\r\n"u8.ToArray());
            // 0-2 ms: the reset lands while CreateMultipartUpload is on its way (the window the defect lived in).
            await Task.Delay(random.Next(0, 3));
            client.Close(); // linger 0: RST
        }

        await Eventually.TrueAsync(async () => await _s3.OpenUploadsAsync(Prefix + "reset/") == 0, "every created upload is aborted");
    }

    [Fact]
    public async Task A_resumable_PATCH_whose_part_finds_S3_dead_is_503_with_Retry_After()
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/fail/tus/dead.bin");
        create.Headers.Add("Tus-Resumable", "1.0.0");
        create.Headers.Add("Upload-Length", (6 * TestData.MiB).ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var created = await _client.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var uploadPath = created.Headers.Location!.IsAbsoluteUri ? created.Headers.Location.AbsolutePath : created.Headers.Location.OriginalString;

        using var client = new TcpClient();
        await client.ConnectAsync(_gateway.Address.Host, _gateway.Address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.Latin1.GetBytes(
            $"PATCH {uploadPath} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n" +
            $"Content-Type: application/offset+octet-stream\r\nContent-Length: {6 * TestData.MiB}\r\n\r\n"));
        await stream.WriteAsync(new byte[TestData.MiB]);
        await Eventually.TrueAsync(async () => await UploadedBytesAsync("tus/dead.bin") > 0, "the PATCH body is streaming to the spool");

        _s3.Kill();
        await stream.WriteAsync(new byte[5 * TestData.MiB]); // The first part is whole: it goes to a dead S3.

        var answer = await ReadResponseHeadAsync(stream);
        Assert.StartsWith("HTTP/1.1 503", answer, StringComparison.Ordinal);
        Assert.Contains("Retry-After:", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("storage_unavailable", answer, StringComparison.Ordinal);
        await _s3.RestartAsync();
    }

    [Fact]
    public async Task An_abort_that_fails_while_S3_is_down_is_retried_until_it_succeeds()
    {
        const string key = "down/mid-upload.bin";
        using var client = new TcpClient();
        await client.ConnectAsync(_gateway.Address.Host, _gateway.Address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync("PUT /fail/down/mid-upload.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 12582912\r\n\r\n"u8.ToArray());
        await stream.WriteAsync(new byte[6 * TestData.MiB]);
        await Eventually.TrueAsync(() => File.Exists(PartFile(1)), "part 1 is stored");

        _s3.Kill();
        await stream.WriteAsync(new byte[6 * TestData.MiB]);
        // The answer comes after the first abort attempt, which cannot have reached a dead S3.
        // A dead S3 is unavailable, whichever part found it so: 503 with Retry-After (a part streamed from the body,
        // whose send the SDK could not retry, was a 502 storage_failed).
        var answer = await ReadResponseHeadAsync(stream);
        Assert.StartsWith("HTTP/1.1 503", answer, StringComparison.Ordinal);
        Assert.Contains("Retry-After:", answer, StringComparison.OrdinalIgnoreCase);

        await _s3.RestartAsync();
        await Eventually.TrueAsync(async () => await _s3.OpenUploadsAsync(Prefix + key) == 0, "the abort is retried once S3 is back");
    }

    [Fact]
    public async Task A_client_that_hangs_up_mid_single_put_leaves_the_previous_object()
    {
        const string key = "hangup/single.bin";
        var previous = await SeedAsync(key, 1000);
        _s3.ClearRequests();

        // 4 MiB announced (one streamed PutObject, not more than SinglePutMaxSize), 2 MiB sent, then the client leaves:
        // the gateway's PutObject to S3 is cut off mid-body, which S3 must not commit.
        await RawHttp.SendAsync(_gateway.Address, "PUT /fail/" + key + " HTTP/1.1\nHost: x\nContent-Length: 4194304\nConnection: close\n\n",
            new byte[2 * TestData.MiB], closeAfterBody: true);

        await Eventually.TrueAsync(() => _s3.Requests(Prefix + key).Any(r => r.Method == "PUT"), "the gateway's PutObject ends");
        var put = Assert.Single(_s3.Requests(Prefix + key), r => r.Method == "PUT");
        Assert.NotEqual(200, put.Status);
        using var stored = await _s3.Client.GetObjectAsync(S3ServerFixture.Bucket, Prefix + key);
        Assert.Equal(previous, await TestData.Sha256Async(stored.ResponseStream));
        Assert.Equal(0, await _s3.OpenUploadsAsync(Prefix + key));
    }

    [Fact]
    public async Task A_chunked_upload_that_stops_sending_is_cut_off_with_408_upload_stalled()
    {
        // 24 KB first would buy Kestrel's average-rate check (240 B/s) 100 s of silence; the stall timer gives none.
        var (status, response) = await SendThenStallAsync("PUT /fail/stall/trickle.bin HTTP/1.1\nHost: x\nTransfer-Encoding: chunked\n\n", 24 * 1024);

        Assert.Equal(408, status);
        Assert.Contains("upload_stalled", response, StringComparison.Ordinal);
        Assert.False(await ExistsAsync(Prefix + "stall/trickle.bin"));
    }

    [Theory]
    [InlineData(64 * 1024, 1024 * 1024)] // one streamed PutObject
    [InlineData(6 * 1024 * 1024, 12 * 1024 * 1024)] // multipart, parts streamed from the body
    public async Task A_known_length_upload_that_stops_sending_is_answered_408_and_its_connection_closed(int sent, int declared)
    {
        var key = $"stall/known-{sent}.bin";
        using var client = new TcpClient();
        await client.ConnectAsync(_gateway.Address.Host, _gateway.Address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"PUT /fail/{key} HTTP/1.1\r\nHost: x\r\nContent-Length: {declared}\r\n\r\n"));
        await stream.WriteAsync(new byte[sent]);

        var answer = await ReadToEndAsync(stream);

        // The rest of the body may never come, so the connection is not kept for another request (nginx closes it too).
        Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal);
        Assert.Contains("upload_stalled", answer, StringComparison.Ordinal);
        Assert.Contains("Connection: close", answer, StringComparison.OrdinalIgnoreCase);
        Assert.False(await ExistsAsync(Prefix + key));
        // An abort that missed its S3 timeout is retried in the background (Uploads/PendingAborts.cs).
        await Eventually.TrueAsync(async () => await _s3.OpenUploadsAsync(Prefix + key) == 0, "the multipart upload is aborted");
    }

    [Fact]
    public async Task A_multipart_upload_that_stops_sending_is_cut_off_and_aborted()
    {
        var (status, response) = await SendThenStallAsync("PUT /fail/stall/parts.bin HTTP/1.1\nHost: x\nTransfer-Encoding: chunked\n\n", 6 * TestData.MiB);

        Assert.Equal(408, status);
        Assert.Contains("upload_stalled", response, StringComparison.Ordinal);
        await Eventually.TrueAsync(async () => await _s3.OpenUploadsAsync(Prefix + "stall/parts.bin") == 0, "the multipart upload is aborted");
        Assert.False(await ExistsAsync(Prefix + "stall/parts.bin"));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _s3.DisposeAsync();
        _files.Dispose();
    }

    /// <summary>Sends a chunked body of <paramref name="size"/> bytes in one chunk, then nothing (the connection stays open).</summary>
    private async Task<(int Status, string Response)> SendThenStallAsync(string head, int size)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_gateway.Address.Host, _gateway.Address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head.Replace("\n", "\r\n", StringComparison.Ordinal)));
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"{size:x}\r\n"));
        await stream.WriteAsync(new byte[size]);
        await stream.WriteAsync("\r\n"u8.ToArray());
        var answer = await ReadResponseHeadAsync(stream);
        return (int.Parse(answer.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), answer);
    }

    /// <summary>Reads until the end of the response head and the first body bytes, or the connection closes.</summary>
    private static async Task WriteRestAsync(Stream stream, int size, bool chunked)
    {
        await stream.WriteAsync(new byte[size]);
        if (chunked)
        {
            await stream.WriteAsync("\r\n0\r\n\r\n"u8.ToArray());
        }
    }

    /// <summary>Bytes received so far by the upload in progress into <paramref name="key"/>, as the status page lists it.</summary>
    private async Task<long> UploadedBytesAsync(string key)
    {
        using var status = System.Text.Json.JsonDocument.Parse(await _client.GetStringAsync("/_streamforge/status.json"));
        return status.RootElement.GetProperty("uploads").GetProperty("listed").EnumerateArray()
            .Where(upload => upload.GetProperty("key").GetString() == key)
            .Select(upload => upload.GetProperty("bytes").GetInt64())
            .DefaultIfEmpty(0)
            .Max();
    }

    /// <summary>Reads until the gateway closes the connection (bounded: a connection kept open fails the test).</summary>
    private static async Task<string> ReadToEndAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(Bound);
        using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
        return await reader.ReadToEndAsync(timeout.Token);
    }

    private static async Task<string> ReadResponseHeadAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var text = new System.Text.StringBuilder();
        var buffer = new byte[4096];
        while (!text.ToString().Contains("\"code\"", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            text.Append(System.Text.Encoding.Latin1.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    /// <summary>Part <paramref name="number"/> of the one multipart upload in progress, as the launcher stores it.</summary>
    private string PartFile(int number)
    {
        var uploads = Path.Combine(Path.GetDirectoryName(_s3.ObjectFile("x"))!, "._S3rver_uploads");
        var upload = Directory.Exists(uploads) ? Directory.GetDirectories(uploads).FirstOrDefault() : null;
        return upload is null ? Path.Combine(uploads, "none") : Path.Combine(upload, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<string> SeedAsync(string key, int size)
    {
        var path = _files.Combine(key.Replace('/', '-'));
        var hash = TestData.CreateFile(path, size, seed: size);
        await _s3.PutAsync(Prefix + key, path);
        return hash;
    }

    private async Task<bool> ExistsAsync(string key)
    {
        try
        {
            await _s3.Client.GetObjectMetadataAsync(S3ServerFixture.Bucket, key);
            return true;
        }
        catch (Amazon.S3.AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
