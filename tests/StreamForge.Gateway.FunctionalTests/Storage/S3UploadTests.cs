using System.Net;
using System.Net.Http.Json;
using Amazon.S3.Model;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Storage;

/// <summary>Uploads into S3 through the gateway: multipart at constant memory, every byte verified, nothing half-written.</summary>
[Collection(S3Collection.Name)]
public sealed class S3UploadTests(S3ServerFixture s3) : IAsyncLifetime
{
    private const int Part = 5 * TestData.MiB;

    private readonly TempFolder _files = new("s3-uploads");
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        // SinglePutMaxSize 0: every non-empty body with a Content-Length takes the multipart path.
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/up/")
            .Route("up", "/up/{**key}", "bucket", policy: "parts", writeAccess: "Anonymous")
            .Set("StreamForge:StreamPolicies:parts:Upload:PartSize", "5MiB")
            .Set("StreamForge:StreamPolicies:parts:Upload:SinglePutMaxSize", "0")
            .Set("StreamForge:StreamPolicies:parts:Upload:MaxBufferedParts", "2")
            .Set("StreamForge:StreamPolicies:parts:Upload:MaxBodySize", "20MiB")
            .Set("StreamForge:StreamPolicies:parts:Upload:MinBytesPerSecond", "50KB")
            .Set("StreamForge:StreamPolicies:parts:Upload:MinRateGracePeriod", "00:00:01.500"));
    }

    public static TheoryData<int, bool> Sizes()
    {
        var data = new TheoryData<int, bool>();
        foreach (var chunked in new[] { false, true })
        {
            foreach (var size in new[] { 0, 1, Part - 1, Part, Part + 1, (2 * Part) + (Part / 2) })
            {
                data.Add(size, chunked);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Uploads_of_every_part_boundary_read_back_byte_for_byte(int size, bool chunked)
    {
        var path = _files.Combine($"{size}-{chunked}.bin");
        var expected = TestData.CreateFile(path, size, seed: size + (chunked ? 1 : 0));
        var key = $"sizes/{size}-{(chunked ? "chunked" : "length")}.bin";

        await using (var body = File.OpenRead(path))
        {
            using var response = await PutAsync(key, body, chunked);
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        using var stored = await s3.Client.GetObjectAsync(new GetObjectRequest { BucketName = S3ServerFixture.Bucket, Key = "up/" + key });
        Assert.Equal(size, stored.ContentLength);
        Assert.Equal(expected, await TestData.Sha256Async(stored.ResponseStream));
        using var viaGateway = await _gateway.Client.GetAsync("/up/" + key, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(expected, await TestData.Sha256Async(await viaGateway.Content.ReadAsStreamAsync()));
    }

    [Fact]
    public async Task A_client_that_hangs_up_mid_upload_leaves_the_previous_version()
    {
        var previous = await SeedAsync("hangup.bin", 1000);
        using var aborted = new RouteMeter("streamforge.streams.aborted", "up");
        using var blamedOnStorage = new RouteMeter("streamforge.streams.aborted", "up", reason: "upload_failed");

        // Announce 12 MiB, send 7 MiB (more than one part), hang up.
        await RawHttp.SendAsync(_gateway.Address,
            "PUT /up/hangup.bin HTTP/1.1\nHost: x\nContent-Length: 12582912\nConnection: close\n\n",
            new byte[7 * TestData.MiB],
            closeAfterBody: true);

        await Eventually.TrueAsync(() => aborted.Total > 0, "the gateway gives up on the upload");
        Assert.Equal(0, blamedOnStorage.Total); // The client left: counted as canceled, not as a storage failure.
        Assert.Equal(previous, await ReadStoredAsync("hangup.bin"));
        await Eventually.TrueAsync(async () => (await s3.OpenUploadsAsync("up/hangup.bin")).Count == 0, "the multipart upload is aborted");
    }

    [Fact]
    public async Task A_slow_loris_body_is_cut_off_and_its_multipart_upload_aborted()
    {
        // Announce 12 MiB (the multipart upload is created at once), send a trickle, then nothing: Kestrel averages
        // the rate over the whole body, so the stall must start early for the check to trip within its grace period.
        var (status, response) = await RawHttp.SendAsync(_gateway.Address,
            "PUT /up/loris.bin HTTP/1.1\nHost: x\nContent-Length: 12582912\n\n", new byte[1000]);

        Assert.Equal(408, status);
        Assert.Contains("upload_too_slow", response, StringComparison.Ordinal);
        Assert.False(await s3.ExistsAsync("up/loris.bin"));
        await Eventually.TrueAsync(async () => (await s3.OpenUploadsAsync("up/loris.bin")).Count == 0, "the multipart upload is aborted");
    }

    [Fact]
    public async Task A_chunked_body_crossing_the_limit_is_refused_and_nothing_stored()
    {
        await using var body = new MemoryStream(new byte[21 * TestData.MiB]);

        using var response = await PutAsync("limit/too-big.bin", body, chunked: true);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("upload_too_large", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        Assert.False(await s3.ExistsAsync("up/limit/too-big.bin"));
        Assert.Empty(await s3.OpenUploadsAsync("up/limit/"));
    }

    public static TheoryData<int, bool> ChecksumCases => new()
    {
        { 1000, false },            // one PutObject
        { 1000, true },             // chunked, under a part: one PutObject from the buffer
        { 12 * TestData.MiB, false }, // multipart, parts streamed from the body
        { 12 * TestData.MiB, true },  // multipart, buffered parts
    };

    [Theory]
    [MemberData(nameof(ChecksumCases))]
    public async Task A_body_that_does_not_match_its_content_md5_is_not_stored(int size, bool chunked)
    {
        var key = $"checksum/bad-{size}-{chunked}.bin";
        var body = new byte[size];
        new Random(size).NextBytes(body);
        var wrong = System.Security.Cryptography.MD5.HashData(body.AsSpan(1));

        using var response = await PutAsync(key, new MemoryStream(body), chunked, request => request.Content!.Headers.ContentMD5 = wrong);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("checksum_mismatch", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        Assert.False(await s3.ExistsAsync("up/" + key));
        await Eventually.TrueAsync(async () => (await s3.OpenUploadsAsync("up/" + key)).Count == 0, "no multipart upload is left open");
    }

    [Theory]
    [InlineData("Content-MD5")]
    [InlineData("x-amz-checksum-sha256")]
    [InlineData("x-amz-checksum-sha1")]
    [InlineData("x-amz-checksum-crc32")]
    public async Task A_body_that_matches_its_checksum_is_stored(string header)
    {
        var body = new byte[(6 * TestData.MiB) + 7];
        new Random(42).NextBytes(body);
        var digest = header switch
        {
            "Content-MD5" => System.Security.Cryptography.MD5.HashData(body),
            "x-amz-checksum-sha256" => System.Security.Cryptography.SHA256.HashData(body),
            "x-amz-checksum-sha1" => System.Security.Cryptography.SHA1.HashData(body),
            _ => [.. System.IO.Hashing.Crc32.Hash(body).Reverse()],
        };
        var key = $"checksum/good-{header}.bin";

        using var response = await PutAsync(key, new MemoryStream(body), chunked: false,
            request => request.Content!.Headers.TryAddWithoutValidation(header, Convert.ToBase64String(digest)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(body)), await ReadStoredAsync(key));
    }

    [Fact]
    public async Task A_malformed_checksum_header_is_refused_before_reading()
    {
        using var response = await PutAsync("checksum/malformed.bin", new MemoryStream(new byte[10]), chunked: false,
            request => request.Content!.Headers.TryAddWithoutValidation("x-amz-checksum-sha256", "not base64!"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_checksum", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
    }

    private async Task<HttpResponseMessage> PutAsync(string key, Stream body, bool chunked, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "/up/" + key) { Content = new StreamContent(body) };
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }
        else
        {
            request.Content.Headers.ContentLength = body.Length;
        }

        configure?.Invoke(request);
        return await _gateway.Client.SendAsync(request);
    }

    private async Task<string> SeedAsync(string key, int size)
    {
        var path = _files.Combine("seed-" + key);
        var hash = TestData.CreateFile(path, size, seed: 99);
        await s3.PutFileAsync("up/" + key, path);
        return hash;
    }

    private async Task<string> ReadStoredAsync(string key)
    {
        using var stored = await s3.Client.GetObjectAsync(new GetObjectRequest { BucketName = S3ServerFixture.Bucket, Key = "up/" + key });
        return await TestData.Sha256Async(stored.ResponseStream);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _files.Dispose();
    }
}
