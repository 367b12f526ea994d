using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Storage;

/// <summary>
/// Cases where the S3 emulator (tests/tools/s3server) must behave as S3 does for the S3 route tests to mean anything:
/// non-ASCII keys in error bodies, key segments longer than a file name may be, and concurrent writes of one key.
/// </summary>
[Collection(S3Collection.Name)]
public sealed class S3EmulatorFidelityTests(S3ServerFixture s3) : IAsyncLifetime
{
    private const string Prefix = "fidelity/";

    // Bodies above this go to S3 as a multipart upload (5 MiB parts, S3's minimum).
    private const int SinglePutMaxSize = 4 * TestData.MiB;

    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/" + Prefix)
            .Route("fidelity", "/fidelity/{**key}", "bucket", policy: "fidelity", writeAccess: "Anonymous")
            .Set("StreamForge:StreamPolicies:fidelity:Upload:PartSize", "5MiB")
            .Set("StreamForge:StreamPolicies:fidelity:Upload:SinglePutMaxSize", SinglePutMaxSize.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Set("StreamForge:StreamPolicies:fidelity:Upload:MaxBodySize", "20MiB"));
    }

    public static TheoryData<string> MissingNonAsciiKeys => new()
    {
        "missing-è.bin",   // s3rver wrote this as the HTML entity &egrave;, which is not XML
        "missing-€.bin",   // &euro;
        "missing-日本.bin", // no named entity: s3rver's numeric reference was already valid XML
    };

    [Theory]
    [MemberData(nameof(MissingNonAsciiKeys))]
    public async Task A_missing_non_ascii_key_is_404_object_not_found_through_the_gateway(string key)
    {
        using var response = await _gateway.Client.GetAsync("/fidelity/" + Uri.EscapeDataString(key));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("object_not_found", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
    }

    [Theory]
    [MemberData(nameof(MissingNonAsciiKeys))]
    public async Task A_missing_non_ascii_key_is_NoSuchKey_for_the_sdk(string key)
    {
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(
            () => s3.Client.GetObjectAsync(S3ServerFixture.Bucket, Prefix + key));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("NoSuchKey", error.ErrorCode);
    }

    // S3 allows keys of up to 1024 UTF-8 bytes with no limit per segment; a file name is at most 255 bytes.
    public static TheoryData<string, int> LongSegmentKeys()
    {
        var ascii = new string('a', 300);
        var mixedWidth = string.Concat(Enumerable.Repeat("a€", 75)); // 300 bytes, 1- and 3-byte characters
        var twoByte = new string('é', 150);                          // 300 bytes
        var data = new TheoryData<string, int>();
        foreach (var size in new[] { 1000, SinglePutMaxSize + TestData.MiB })
        {
            data.Add($"long/{ascii}/leaf.bin", size);
            data.Add($"long/{mixedWidth}/{twoByte}", size);
            data.Add($"long/{twoByte}-{size}", size);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LongSegmentKeys))]
    public async Task A_key_with_a_300_byte_segment_round_trips_through_the_gateway(string key, int size)
    {
        Assert.Contains(key.Split('/'), segment => Encoding.UTF8.GetByteCount(segment) >= 300);
        var body = Body(size, seed: key.Length + size);
        var path = "/fidelity/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));

        using (var put = await _gateway.Client.PutAsync(path, new ByteArrayContent(body)))
        {
            Assert.True(put.StatusCode == HttpStatusCode.Created, await put.Content.ReadAsStringAsync());
        }

        using (var get = await _gateway.Client.GetAsync(path))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(Sha256(body), Sha256(await get.Content.ReadAsByteArrayAsync()));
        }

        // The stored key is the key sent, as a listing shows it: the emulator's on-disk naming does not leak out.
        var listing = await s3.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3ServerFixture.Bucket, Prefix = Prefix + key });
        var listed = Assert.Single(listing.S3Objects);
        Assert.Equal(Prefix + key, listed.Key);
        Assert.Equal(size, listed.Size);

        await s3.Client.DeleteObjectAsync(S3ServerFixture.Bucket, Prefix + key);
        using var afterDelete = await _gateway.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, afterDelete.StatusCode);
    }

    [Fact]
    public async Task Concurrent_puts_of_one_key_leave_exactly_one_whole_upload()
    {
        // An emulator that writes objects in place loses such a race often, not always: race several keys.
        for (var round = 0; round < 3; round++)
        {
            await RaceAsync($"race/{round}.bin", seed: 1000 * (round + 1));
        }
    }

    private async Task RaceAsync(string key, int seed)
    {
        // Four single PutObjects and four multipart uploads (two parts). Sizes are nearly equal within each group:
        // writes of equal length that interleave leave a mix of bodies rather than one overwriting the other.
        var bodies = Enumerable.Range(0, 8)
            .Select(i => Body((i < 4 ? SinglePutMaxSize - (96 * 1024) : 6 * TestData.MiB) + i, seed + i))
            .ToArray();

        // Every body is sent but for its last byte, then all are let go at once, so the uploads reach S3 together.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var contents = bodies.Select(body => new HeldBackContent(body, gate.Task)).ToArray();
        var putTasks = contents.Select(async content =>
        {
            using var put = await _gateway.Client.PutAsync("/fidelity/" + key, content);
            Assert.True(put.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created, await put.Content.ReadAsStringAsync());
            return (Hash: Sha256(content.Body), content.Body.Length, ETag: put.Headers.ETag?.Tag);
        }).ToArray();
        await Task.WhenAll(contents.Select(c => c.HeldBack));
        gate.SetResult();
        var puts = await Task.WhenAll(putTasks);

        using var get = await _gateway.Client.GetAsync("/fidelity/" + key);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var stored = Sha256(await get.Content.ReadAsByteArrayAsync());
        var winner = Assert.Single(puts, p => p.Hash == stored);

        // The metadata is that of the same upload: HEAD's length and ETag are what the winning PUT reported.
        using var head = await _gateway.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/fidelity/" + key));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(winner.Length, head.Content.Headers.ContentLength);
        Assert.NotNull(winner.ETag);
        Assert.Equal(winner.ETag, head.Headers.ETag?.Tag);
    }

    private static byte[] Body(int size, int seed)
    {
        var body = new byte[size];
        new Random(seed).NextBytes(body);
        return body;
    }

    private static string Sha256(byte[] data) => Convert.ToHexString(SHA256.HashData(data));

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    /// <summary>A request body that sends all but its last byte, then waits for <paramref name="release"/>.</summary>
    private sealed class HeldBackContent(byte[] body, Task release) : HttpContent
    {
        private readonly TaskCompletionSource _heldBack = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public byte[] Body => body;

        /// <summary>Completes once everything but the last byte has been handed to the connection.</summary>
        public Task HeldBack => _heldBack.Task;

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, body.Length - 1));
            await stream.FlushAsync();
            _heldBack.TrySetResult();
            await release;
            await stream.WriteAsync(body.AsMemory(body.Length - 1));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
