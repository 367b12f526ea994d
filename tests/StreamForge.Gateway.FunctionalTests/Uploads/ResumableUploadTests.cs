using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Uploads;

/// <summary>
/// tus 1.0 resumable uploads with tus-js-client, into S3 (multipart, with a tail object below 5 MiB) and into the
/// file store: every part boundary, a connection cut mid-PATCH, a gateway restart, a second instance; afterwards no
/// multipart upload, state object, temp file or spool file is left.
/// </summary>
[Collection(S3Collection.Name)]
public sealed class ResumableUploadTests(S3ServerFixture s3) : IAsyncLifetime
{
    private const int Part = 5 * TestData.MiB;

    private readonly TempFolder _folder = new("tus");
    private readonly string _prefix = $"tus-{Guid.NewGuid():N}/";
    private readonly List<GatewayHost> _gateways = [];

    private string Root => _folder.Combine("root");

    public static TheoryData<string, int, int> Sizes()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var store in new[] { "s3", "files" })
        {
            foreach (var size in new[] { 0, 1, Part - 1, Part + 1 })
            {
                data.Add(store, size, TestData.MiB);
            }

            data.Add(store, 64 * TestData.MiB, 4 * TestData.MiB);
        }

        return data;
    }

    public static TheoryData<string> Stores() => new() { "s3", "files" };

    public Task InitializeAsync() => Task.CompletedTask;

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Tus_js_client_uploads_read_back_byte_for_byte_and_leave_nothing_behind(string store, int size, int chunkSize)
    {
        var gateway = await StartGatewayAsync();
        var file = _folder.Combine($"{size}.bin");
        var expected = TestData.CreateFile(file, size, seed: size);
        var key = $"sizes/{size}.bin";

        var result = await TusClient.UploadAsync(new Uri(gateway.Address, $"/{store}/{key}"), file, chunkSize);

        Assert.Equal(size, result.Offset);
        Assert.Contains($"/{store}/.streamforge-tus/", result.Url, StringComparison.Ordinal);
        Assert.Equal(expected, await StoredSha256Async(gateway, store, key));
        await AssertNothingLeftAsync(store);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_connection_cut_mid_patch_keeps_what_arrived_and_tus_js_client_resumes(string store)
    {
        var gateway = await StartGatewayAsync();
        var file = _folder.Combine("cut.bin");
        var expected = TestData.CreateFile(file, (2 * Part) + 123, seed: 7);
        var uploadUrl = await CreateAsync(gateway, $"/{store}/cut.bin", new FileInfo(file).Length);

        // Promise 8 MiB, send 6 MiB (more than a part), then cut the connection.
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(gateway.Address.Host, gateway.Address.Port);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"PATCH {uploadUrl.AbsolutePath} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\nContent-Length: {8 * TestData.MiB}\r\n\r\n"));
            await stream.WriteAsync((await File.ReadAllBytesAsync(file)).AsMemory(0, 6 * TestData.MiB));
        }

        // What arrived before the cut is stored and acknowledged by HEAD, never more than was sent.
        long kept = 0;
        await Eventually.TrueAsync(async () => (kept = await OffsetAsync(gateway, uploadUrl)) > 0, "the bytes received before the cut are kept");
        Assert.InRange(kept, 1, 6 * TestData.MiB);

        var resumed = await TusClient.UploadAsync(new Uri(gateway.Address, $"/{store}/cut.bin"), file, TestData.MiB, uploadUrl: uploadUrl.ToString());

        Assert.Equal(uploadUrl.ToString(), resumed.Url);
        Assert.Equal(expected, await StoredSha256Async(gateway, store, "cut.bin"));
        await AssertNothingLeftAsync(store);
        foreach (var @event in new[] { "started", "resumed", "completed" })
        {
            await GatewayMetricsScrape.WaitForAsync(gateway, "streamforge_resumable_uploads", $"route=\"{store}\"", $"event=\"{@event}\"");
        }

        await GatewayMetricsScrape.WaitForAsync(gateway, "streamforge_resumable_bytes", $"route=\"{store}\"");
    }

    [Fact]
    public async Task An_s3_patch_spools_through_a_file_without_a_name_so_that_a_killed_gateway_leaves_none()
    {
        var gateway = await StartGatewayAsync();
        var uploadUrl = await CreateAsync(gateway, "/s3/spooled.bin", 4 * TestData.MiB);

        // A PATCH that promises more than it sends stays open, its spool with it.
        using var client = new TcpClient();
        await client.ConnectAsync(gateway.Address.Host, gateway.Address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"PATCH {uploadUrl.AbsolutePath} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\nContent-Length: {4 * TestData.MiB}\r\n\r\n"));
        await stream.WriteAsync(new byte[TestData.MiB]);

        // The gateway runs in this process, so its open spool is among this process's file descriptors: open, and
        // already without a name (the kernel shows its old path with " (deleted)"). Other test classes' spools have
        // a name for the moment between their open and their unlink, hence the wait for all to have none.
        var spool = Path.Combine(Path.GetTempPath(), "streamforge-tus-spool") + "/";
        await Eventually.TrueAsync(
            () => OpenFilesUnder(spool) is { Length: > 0 } open && open.All(target => target.EndsWith(" (deleted)", StringComparison.Ordinal)),
            "the PATCH's spool is open and has no name");
    }

    /// <summary>Where this process's open file descriptors point, for those under <paramref name="folder"/> (Linux's /proc).</summary>
    private static string[] OpenFilesUnder(string folder) =>
        Directory.GetFiles("/proc/self/fd")
            .Select(descriptor =>
            {
                try
                {
                    return new FileInfo(descriptor).LinkTarget;
                }
                catch (IOException)
                {
                    return null; // closed since the listing
                }
            })
            .OfType<string>()
            .Where(target => target.StartsWith(folder, StringComparison.Ordinal))
            .ToArray();

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_upload_resumes_after_a_gateway_restart(string store)
    {
        var file = _folder.Combine("restart.bin");
        var expected = TestData.CreateFile(file, (2 * Part) + 5, seed: 11);
        var first = await StartGatewayAsync();
        var started = await TusClient.UploadAsync(new Uri(first.Address, $"/{store}/restart.bin"), file, 2 * TestData.MiB, abortAfter: Part + 1);
        Assert.True(started.Aborted);
        var path = new Uri(started.Url).AbsolutePath;
        await first.DisposeAsync();
        _gateways.Remove(first);

        var second = await StartGatewayAsync();
        Assert.Equal(started.Offset, await OffsetAsync(second, new Uri(second.Address, path)));
        await TusClient.UploadAsync(new Uri(second.Address, $"/{store}/restart.bin"), file, 2 * TestData.MiB, uploadUrl: new Uri(second.Address, path).ToString());

        Assert.Equal(expected, await StoredSha256Async(second, store, "restart.bin"));
        await AssertNothingLeftAsync(store);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_upload_started_on_one_instance_finishes_on_another(string store)
    {
        var file = _folder.Combine("two.bin");
        var expected = TestData.CreateFile(file, Part + (3 * TestData.MiB), seed: 13);
        var one = await StartGatewayAsync();
        var two = await StartGatewayAsync();

        var started = await TusClient.UploadAsync(new Uri(one.Address, $"/{store}/two.bin"), file, TestData.MiB, abortAfter: 3 * TestData.MiB);
        var onTwo = new Uri(two.Address, new Uri(started.Url).AbsolutePath);
        await TusClient.UploadAsync(new Uri(two.Address, $"/{store}/two.bin"), file, TestData.MiB, uploadUrl: onTwo.ToString());

        Assert.Equal(expected, await StoredSha256Async(one, store, "two.bin"));
        await AssertNothingLeftAsync(store);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Termination_aborts_the_multipart_upload_and_removes_every_byte(string store)
    {
        var gateway = await StartGatewayAsync();
        var file = _folder.Combine("terminated.bin");
        TestData.CreateFile(file, 3 * Part, seed: 17);
        var started = await TusClient.UploadAsync(new Uri(gateway.Address, $"/{store}/terminated.bin"), file, TestData.MiB, abortAfter: Part + TestData.MiB);
        if (store == "s3")
        {
            Assert.NotEmpty(await s3.OpenUploadsAsync(_prefix)); // What termination must clean up.
        }

        using var delete = new HttpRequestMessage(HttpMethod.Delete, started.Url);
        delete.Headers.Add("Tus-Resumable", "1.0.0");
        using var deleted = await gateway.Client.SendAsync(delete);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, await HeadStatusAsync(gateway, new Uri(started.Url)));
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.Client.GetAsync($"/{store}/terminated.bin")).StatusCode);
        await AssertNothingLeftAsync(store);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Expired_uploads_are_aborted_by_the_sweep(string store)
    {
        var clock = new ShiftedClock();
        var gateway = await StartGatewayAsync(clock, expiration: "00:00:30");
        var file = _folder.Combine("expiring.bin");
        TestData.CreateFile(file, 3 * Part, seed: 19);
        var started = await TusClient.UploadAsync(new Uri(gateway.Address, $"/{store}/expiring.bin"), file, TestData.MiB, abortAfter: Part + TestData.MiB);
        if (store == "s3")
        {
            Assert.NotEmpty(await s3.OpenUploadsAsync(_prefix)); // What the sweep must clean up.
        }

        using var head = await HeadAsync(gateway, new Uri(started.Url));
        var expires = DateTimeOffset.Parse(head.Headers.GetValues("Upload-Expires").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(expires - clock.GetUtcNow(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(31));

        clock.Advance(TimeSpan.FromHours(1));

        await Eventually.TrueAsync(async () => await HeadStatusAsync(gateway, new Uri(started.Url)) == HttpStatusCode.NotFound, "the sweep removes the expired upload");
        await AssertNothingLeftAsync(store);
        await GatewayMetricsScrape.WaitForAsync(gateway, "streamforge_resumable_uploads", "event=\"expired\"");
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_empty_patch_that_declares_a_deferred_length_keeps_it(string store)
    {
        var gateway = await StartGatewayAsync();
        using var create = new HttpRequestMessage(HttpMethod.Post, $"/{store}/deferred/declared.txt") { Headers = { { "Tus-Resumable", "1.0.0" }, { "Upload-Defer-Length", "1" } } };
        using var created = await gateway.Client.SendAsync(create);
        var uploadUrl = new Uri(gateway.Address, created.Headers.Location!);

        Assert.Equal(HttpStatusCode.NoContent, await PatchAsync(gateway, uploadUrl, 0, "0123456789"u8.ToArray()));
        Assert.Equal(HttpStatusCode.NoContent, await PatchAsync(gateway, uploadUrl, 10, [], ("Upload-Length", "20")));

        // tus creation-defer-length: once set, the length is the upload's (it was answered, and then forgotten on S3).
        using (var head = await HeadAsync(gateway, uploadUrl))
        {
            Assert.Equal("20", head.Headers.GetValues("Upload-Length").Single());
            Assert.False(head.Headers.Contains("Upload-Defer-Length"));
        }

        Assert.Equal(HttpStatusCode.NoContent, await PatchAsync(gateway, uploadUrl, 10, "ABCDEFGHIJ"u8.ToArray()));
        Assert.Equal(TestData.Sha256("0123456789ABCDEFGHIJ"u8.ToArray()), await StoredSha256Async(gateway, store, "deferred/declared.txt"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_file_type_that_cannot_be_a_content_type_is_not_used_as_one(string store)
    {
        var gateway = await StartGatewayAsync();
        using var create = new HttpRequestMessage(HttpMethod.Post, $"/{store}/typed/clip.mp4") { Headers = { { "Tus-Resumable", "1.0.0" }, { "Upload-Length", "5" } } };
        create.Headers.Add("Upload-Metadata", "filetype " + Convert.ToBase64String("vidéo/mp4"u8));
        using var created = await gateway.Client.SendAsync(create);
        var uploadUrl = new Uri(gateway.Address, created.Headers.Location!);

        // S3 refused the non-ASCII type on every try: the upload could never be stored.
        Assert.Equal(HttpStatusCode.NoContent, await PatchAsync(gateway, uploadUrl, 0, "hello"u8.ToArray()));
        using var stored = await gateway.Client.GetAsync($"/{store}/typed/clip.mp4");
        Assert.Equal("video/mp4", stored.Content.Headers.ContentType?.MediaType);
        Assert.Equal("hello", await stored.Content.ReadAsStringAsync());
    }

    private static async Task<HttpStatusCode> PatchAsync(GatewayHost gateway, Uri uploadUrl, long offset, byte[] body, params (string Name, string Value)[] headers)
    {
        using var patch = new HttpRequestMessage(HttpMethod.Patch, uploadUrl) { Content = new ByteArrayContent(body) };
        patch.Headers.Add("Tus-Resumable", "1.0.0");
        patch.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
        patch.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/offset+octet-stream");
        foreach (var (name, value) in headers)
        {
            patch.Headers.Add(name, value);
        }

        using var response = await gateway.Client.SendAsync(patch);
        return response.StatusCode;
    }

    private async Task<GatewayHost> StartGatewayAsync(TimeProvider? clock = null, string expiration = "24:00:00")
    {
        Directory.CreateDirectory(Root);
        var config = new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", $"s3://{S3ServerFixture.Bucket}/{_prefix}")
            .Cluster("files", $"file://{Root}/")
            .Route("s3", "/s3/{**key}", "bucket", policy: "tus", writeAccess: "Anonymous")
            .Route("files", "/files/{**key}", "files", policy: "tus", writeAccess: "Anonymous")
            .Set("StreamForge:StreamPolicies:tus:Resumable:Enabled", "true")
            .Set("StreamForge:StreamPolicies:tus:Resumable:MaxSize", "256MiB")
            .Set("StreamForge:StreamPolicies:tus:Resumable:Expiration", expiration)
            .Set("StreamForge:StreamPolicies:tus:Upload:PartSize", "5MiB");
        var gateway = await GatewayHost.StartAsync(config, services: clock is null ? null : s => s.AddSingleton<TimeProvider>(clock));
        _gateways.Add(gateway);
        return gateway;
    }

    private static async Task<Uri> CreateAsync(GatewayHost gateway, string path, long length)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, path);
        create.Headers.Add("Tus-Resumable", "1.0.0");
        create.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
        using var created = await gateway.Client.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return new Uri(gateway.Address, created.Headers.Location!);
    }

    private static async Task<HttpResponseMessage> HeadAsync(GatewayHost gateway, Uri uploadUrl)
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, uploadUrl);
        head.Headers.Add("Tus-Resumable", "1.0.0");
        return await gateway.Client.SendAsync(head);
    }

    private static async Task<HttpStatusCode> HeadStatusAsync(GatewayHost gateway, Uri uploadUrl)
    {
        using var response = await HeadAsync(gateway, uploadUrl);
        return response.StatusCode;
    }

    private static async Task<long> OffsetAsync(GatewayHost gateway, Uri uploadUrl)
    {
        using var response = await HeadAsync(gateway, uploadUrl);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return long.Parse(response.Headers.GetValues("Upload-Offset").Single(), CultureInfo.InvariantCulture);
    }

    private async Task<string> StoredSha256Async(GatewayHost gateway, string store, string key)
    {
        if (store == "s3")
        {
            using var stored = await s3.Client.GetObjectAsync(new GetObjectRequest { BucketName = S3ServerFixture.Bucket, Key = _prefix + key });
            return await TestData.Sha256Async(stored.ResponseStream);
        }

        // Through the gateway too: the object is served like any other.
        await using var body = await gateway.Client.GetStreamAsync($"/files/{key}");
        var viaGateway = await TestData.Sha256Async(body);
        Assert.Equal(TestData.Sha256OfFile(Path.Combine(Root, key)), viaGateway);
        return viaGateway;
    }

    /// <summary>Nothing of the uploads is left but the records of their completion (tus: a HEAD still answers for them).</summary>
    private async Task AssertNothingLeftAsync(string store)
    {
        if (store == "s3")
        {
            Assert.Empty(await s3.OpenUploadsAsync(_prefix));
            var state = await s3.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3ServerFixture.Bucket, Prefix = _prefix + ".streamforge-tus/" });
            Assert.All(state.S3Objects ?? [], o => Assert.EndsWith("/info.json", o.Key, StringComparison.Ordinal));
            foreach (var record in state.S3Objects ?? [])
            {
                using var body = await s3.Client.GetObjectAsync(S3ServerFixture.Bucket, record.Key);
                Assert.Contains("\"isStored\":true", await new StreamReader(body.ResponseStream).ReadToEndAsync(), StringComparison.Ordinal);
            }

            // Shared by every gateway of the process, and other test classes append to S3 uploads meanwhile: a spool's
            // name lives only between its open and its unlink, so the folder is empty whenever none is being opened.
            var spool = Path.Combine(Path.GetTempPath(), "streamforge-tus-spool");
            await Eventually.TrueAsync(() => !Directory.Exists(spool) || Directory.GetFiles(spool).Length == 0, "no spool file keeps its name");
        }
        else
        {
            var state = Path.Combine(Root, ".streamforge-tus");
            Assert.All(Directory.Exists(state) ? Directory.GetFiles(state) : [], path => Assert.EndsWith(".info", path, StringComparison.Ordinal));
            foreach (var record in Directory.Exists(state) ? Directory.GetFiles(state) : [])
            {
                Assert.Contains("\"isStored\":true", await File.ReadAllTextAsync(record), StringComparison.Ordinal);
            }

            var temp = Path.Combine(Root, ".streamforge-tmp");
            Assert.Empty(Directory.Exists(temp) ? Directory.GetFiles(temp) : []);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        _folder.Dispose();
    }
}
