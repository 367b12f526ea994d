using System.Buffers.Binary;
using System.IO.Hashing;
using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Storage;

/// <summary>
/// The S3 emulator (tests/tools/s3server) stores a checksum with every object and returns it as S3 does
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html): the one the upload carried,
/// else a default full-object CRC32 (S3's default is CRC64NVME); full-object or composite for multipart uploads; only
/// to a reader that sends <c>x-amz-checksum-mode: ENABLED</c> for the whole object. The gateway's downloads are
/// verified against it, so it must be exact, and it must be the upload's, never recomputed from the stored bytes.
/// </summary>
[Collection(S3Collection.Name)]
public sealed class S3ChecksumEmulationTests(S3ServerFixture s3) : IDisposable
{
    private const string Prefix = "checksums/";
    private const string ChecksumMode = "x-amz-checksum-mode";

    // Three parts: two of S3's minimum part size and one byte.
    private static readonly int[] PartSizes = [5 * TestData.MiB, 5 * TestData.MiB, 1];

    // Unsigned requests straight to the emulator, under the same prefix as the SDK's keys.
    private readonly HttpClient _http = new() { BaseAddress = new Uri(s3.ServiceUrl + "/" + S3ServerFixture.Bucket + "/" + Prefix) };

    [Fact]
    public async Task A_plain_put_gets_a_full_object_crc32_returned_only_to_a_whole_object_read_in_checksum_mode()
    {
        var body = Body(100_000, seed: 1);
        await PutRawAsync("plain.bin", body);

        using (var get = await GetRawAsync("plain.bin", checksumMode: "ENABLED"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(Crc32Of(body), Header(get, "x-amz-checksum-crc32"));
            Assert.Equal("FULL_OBJECT", Header(get, "x-amz-checksum-type"));
            Assert.Equal(body, await get.Content.ReadAsByteArrayAsync());
        }

        // The header's value is case-insensitive.
        using (var get = await GetRawAsync("plain.bin", checksumMode: "enabled"))
        {
            Assert.Equal(Crc32Of(body), Header(get, "x-amz-checksum-crc32"));
        }

        using (var get = await GetRawAsync("plain.bin", checksumMode: null))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Empty(ChecksumHeaders(get));
        }

        using (var ranged = await GetRawAsync("plain.bin", checksumMode: "ENABLED", range: "bytes=0-99"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, ranged.StatusCode);
            Assert.Empty(ChecksumHeaders(ranged));
        }

        using (var head = await SendRawAsync(HttpMethod.Head, "plain.bin", "ENABLED"))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(Crc32Of(body), Header(head, "x-amz-checksum-crc32"));
            Assert.Equal("FULL_OBJECT", Header(head, "x-amz-checksum-type"));
        }

        using (var head = await SendRawAsync(HttpMethod.Head, "plain.bin", checksumMode: null))
        {
            Assert.Empty(ChecksumHeaders(head));
        }
    }

    [Fact]
    public async Task Conditional_answers_carry_no_checksum()
    {
        var body = Body(1000, seed: 2);
        var etag = await PutRawAsync("conditional.bin", body);

        using var notModified = await SendRawAsync(HttpMethod.Get, "conditional.bin", "ENABLED", request => request.Headers.TryAddWithoutValidation("If-None-Match", etag));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(ChecksumHeaders(notModified));

        using var failed = await SendRawAsync(HttpMethod.Get, "conditional.bin", "ENABLED", request => request.Headers.TryAddWithoutValidation("If-Match", "\"other\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, failed.StatusCode);
        Assert.Empty(ChecksumHeaders(failed));
    }

    [Fact]
    public async Task The_checksum_a_put_carried_is_the_one_stored()
    {
        var body = Body(5000, seed: 3);
        var sha256 = Convert.ToBase64String(SHA256.HashData(body));
        using (var put = new HttpRequestMessage(HttpMethod.Put, "sha256.bin") { Content = new ByteArrayContent(body) })
        {
            put.Headers.TryAddWithoutValidation("x-amz-checksum-sha256", sha256);
            using var response = await _http.SendAsync(put);
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            Assert.Equal(sha256, Header(response, "x-amz-checksum-sha256"));
        }

        using var get = await GetRawAsync("sha256.bin", checksumMode: "ENABLED");
        Assert.Equal(sha256, Header(get, "x-amz-checksum-sha256"));
        Assert.Equal("FULL_OBJECT", Header(get, "x-amz-checksum-type"));
        Assert.Equal(["x-amz-checksum-sha256", "x-amz-checksum-type"], ChecksumHeaders(get).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_sdk_put_with_a_crc32_trailer_reads_back_verified_by_the_sdk()
    {
        var body = Body(300_000, seed: 4);
        await s3.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = S3ServerFixture.Bucket,
            Key = Prefix + "sdk.bin",
            InputStream = new MemoryStream(body),
            ChecksumAlgorithm = ChecksumAlgorithm.CRC32,
        });

        using var get = await s3.Client.GetObjectAsync(new GetObjectRequest
        {
            BucketName = S3ServerFixture.Bucket,
            Key = Prefix + "sdk.bin",
            ChecksumMode = Amazon.S3.ChecksumMode.ENABLED,
        });
        Assert.Equal(Crc32Of(body), get.ChecksumCRC32);
        Assert.Equal(ChecksumType.FULL_OBJECT, get.ChecksumType);
        // The SDK checks the body against the returned CRC32 as it is read: a wrong value would throw here.
        Assert.Equal(body, await ReadAllAsync(get.ResponseStream));

        var head = await s3.Client.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = S3ServerFixture.Bucket,
            Key = Prefix + "sdk.bin",
            ChecksumMode = Amazon.S3.ChecksumMode.ENABLED,
        });
        Assert.Equal(Crc32Of(body), head.ChecksumCRC32);
    }

    [Fact]
    public async Task A_multipart_upload_without_an_algorithm_gets_the_default_full_object_crc32()
    {
        var body = Body(PartSizes.Sum(), seed: 5);
        var completed = await UploadInPartsAsync("multipart-default.bin", body, algorithm: null, type: null);

        Assert.Equal(Crc32Of(body), completed.ChecksumCRC32);
        Assert.Equal(ChecksumType.FULL_OBJECT, completed.ChecksumType);
        await AssertSdkReadAsync("multipart-default.bin", body, Crc32Of(body), ChecksumType.FULL_OBJECT);
    }

    [Fact]
    public async Task A_full_object_crc32_multipart_upload_gets_the_crc32_of_the_whole_object()
    {
        var body = Body(PartSizes.Sum(), seed: 6);
        var completed = await UploadInPartsAsync("multipart-full.bin", body, ChecksumAlgorithm.CRC32, ChecksumType.FULL_OBJECT);

        Assert.Equal(Crc32Of(body), completed.ChecksumCRC32);
        Assert.Equal(ChecksumType.FULL_OBJECT, completed.ChecksumType);
        await AssertSdkReadAsync("multipart-full.bin", body, Crc32Of(body), ChecksumType.FULL_OBJECT);
    }

    [Fact]
    public async Task A_crc32_multipart_upload_without_a_type_gets_the_composite_checksum_of_its_parts()
    {
        var body = Body(PartSizes.Sum(), seed: 7);
        var completed = await UploadInPartsAsync("multipart-composite.bin", body, ChecksumAlgorithm.CRC32, type: null);

        // CRC32 of the parts' big-endian CRC32s, then the part count.
        var partCrcs = new List<byte>();
        var offset = 0;
        foreach (var size in PartSizes)
        {
            partCrcs.AddRange(Crc32Bytes(body.AsSpan(offset, size)));
            offset += size;
        }

        var composite = Convert.ToBase64String(Crc32Bytes(partCrcs.ToArray())) + "-3";
        Assert.Equal(composite, completed.ChecksumCRC32);
        Assert.Equal(ChecksumType.COMPOSITE, completed.ChecksumType);
        // The SDK does not check a GET against a composite value (it is not a checksum of the bytes): the read succeeds.
        await AssertSdkReadAsync("multipart-composite.bin", body, composite, ChecksumType.COMPOSITE);

        using var get = await GetRawAsync("multipart-composite.bin", checksumMode: "ENABLED");
        Assert.Equal(composite, Header(get, "x-amz-checksum-crc32"));
        Assert.Equal("COMPOSITE", Header(get, "x-amz-checksum-type"));
    }

    [Fact]
    public async Task A_multipart_upload_with_an_algorithm_and_type_S3_refuses_is_refused()
    {
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = S3ServerFixture.Bucket,
            Key = Prefix + "refused.bin",
            ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
            ChecksumType = ChecksumType.FULL_OBJECT,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("InvalidRequest", error.ErrorCode);
        Assert.Empty(await s3.OpenUploadsAsync(Prefix + "refused.bin"));
    }

    [Fact]
    public async Task A_copy_keeps_the_checksum_and_an_overwrite_replaces_it()
    {
        var body = Body(2000, seed: 8);
        var sha1 = Convert.ToBase64String(SHA1.HashData(body));
        using (var put = new HttpRequestMessage(HttpMethod.Put, "copy-source.bin") { Content = new ByteArrayContent(body) })
        {
            put.Headers.TryAddWithoutValidation("x-amz-checksum-sha1", sha1);
            using var response = await _http.SendAsync(put);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await s3.Client.CopyObjectAsync(S3ServerFixture.Bucket, Prefix + "copy-source.bin", S3ServerFixture.Bucket, Prefix + "copy-target.bin");
        using (var copy = await GetRawAsync("copy-target.bin", checksumMode: "ENABLED"))
        {
            Assert.Equal(sha1, Header(copy, "x-amz-checksum-sha1"));
        }

        var replacement = Body(3000, seed: 9);
        await PutRawAsync("copy-target.bin", replacement);
        using var replaced = await GetRawAsync("copy-target.bin", checksumMode: "ENABLED");
        Assert.Equal(Crc32Of(replacement), Header(replaced, "x-amz-checksum-crc32"));
        Assert.Equal(["x-amz-checksum-crc32", "x-amz-checksum-type"], ChecksumHeaders(replaced).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_stored_checksum_survives_a_restart_and_is_never_recomputed_from_the_stored_bytes()
    {
        await using var server = await DedicatedS3Server.StartAsync();
        var body = Body(TestData.MiB, seed: 10);
        await server.Client.PutObjectAsync(new PutObjectRequest { BucketName = S3ServerFixture.Bucket, Key = "flipped.bin", InputStream = new MemoryStream(body) });

        await using (var stored = new FileStream(server.ObjectFile("flipped.bin"), FileMode.Open, FileAccess.ReadWrite))
        {
            stored.Position = TestData.MiB - 10;
            var original = stored.ReadByte();
            stored.Position = TestData.MiB - 10;
            stored.WriteByte((byte)(original ^ 0xff));
        }

        server.Kill();
        await server.RestartAsync();

        var head = await server.Client.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = S3ServerFixture.Bucket,
            Key = "flipped.bin",
            ChecksumMode = Amazon.S3.ChecksumMode.ENABLED,
        });
        Assert.Equal(Crc32Of(body), head.ChecksumCRC32);

        // So a reader that checks the body it gets against the checksum finds the corruption.
        using var http = new HttpClient { BaseAddress = new Uri(server.ServiceUrl + "/" + S3ServerFixture.Bucket + "/") };
        using var request = new HttpRequestMessage(HttpMethod.Get, "flipped.bin");
        request.Headers.TryAddWithoutValidation(ChecksumMode, "ENABLED");
        using var get = await http.SendAsync(request);
        Assert.Equal(Crc32Of(body), Header(get, "x-amz-checksum-crc32"));
        var delivered = await get.Content.ReadAsByteArrayAsync();
        Assert.Equal(body.Length, delivered.Length);
        Assert.NotEqual(Crc32Of(body), Crc32Of(delivered));
    }

    [Fact]
    public async Task With_default_checksum_none_an_upload_without_a_checksum_gets_none()
    {
        await using var server = await DedicatedS3Server.StartAsync("--default-checksum", "none");
        using var http = new HttpClient { BaseAddress = new Uri(server.ServiceUrl + "/" + S3ServerFixture.Bucket + "/") };
        using (var put = await http.PutAsync("none.bin", new ByteArrayContent(Body(1000, seed: 11))))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Empty(ChecksumHeaders(put));
        }

        using var get = new HttpRequestMessage(HttpMethod.Get, "none.bin");
        get.Headers.TryAddWithoutValidation(ChecksumMode, "ENABLED");
        using var response = await http.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(ChecksumHeaders(response));
    }

    [Fact]
    public async Task With_default_checksum_crc64nvme_an_upload_without_a_checksum_gets_a_crc64nvme()
    {
        await using var server = await DedicatedS3Server.StartAsync("--default-checksum", "crc64nvme");
        using var http = new HttpClient { BaseAddress = new Uri(server.ServiceUrl + "/" + S3ServerFixture.Bucket + "/") };
        var body = Body(70_000, seed: 12);
        using (var put = await http.PutAsync("nvme.bin", new ByteArrayContent(body)))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using var get = new HttpRequestMessage(HttpMethod.Get, "nvme.bin");
        get.Headers.TryAddWithoutValidation(ChecksumMode, "ENABLED");
        using var response = await http.SendAsync(get);
        Assert.Equal(Convert.ToBase64String(Crc64Nvme(body)), Header(response, "x-amz-checksum-crc64nvme"));
        Assert.Equal("FULL_OBJECT", Header(response, "x-amz-checksum-type"));
    }

    [Fact]
    public void The_test_crc64nvme_matches_the_published_check_value()
    {
        // CRC-64/NVME check value (the CRC of "123456789").
        Assert.Equal(0xAE8B14860A799888UL, BinaryPrimitives.ReadUInt64BigEndian(Crc64Nvme("123456789"u8.ToArray())));
    }

    public void Dispose() => _http.Dispose();

    private async Task<string> PutRawAsync(string name, byte[] body)
    {
        using var put = await _http.PutAsync(name, new ByteArrayContent(body));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        return put.Headers.ETag!.Tag;
    }

    private Task<HttpResponseMessage> GetRawAsync(string name, string? checksumMode, string? range = null) =>
        SendRawAsync(HttpMethod.Get, name, checksumMode, request =>
        {
            if (range is not null)
            {
                request.Headers.TryAddWithoutValidation("Range", range);
            }
        });

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string name, string? checksumMode, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, name);
        if (checksumMode is not null)
        {
            request.Headers.TryAddWithoutValidation(ChecksumMode, checksumMode);
        }

        configure?.Invoke(request);
        return await _http.SendAsync(request);
    }

    private async Task<CompleteMultipartUploadResponse> UploadInPartsAsync(string name, byte[] body, ChecksumAlgorithm? algorithm, ChecksumType? type)
    {
        var key = Prefix + name;
        var initiate = new InitiateMultipartUploadRequest { BucketName = S3ServerFixture.Bucket, Key = key };
        if (algorithm is not null)
        {
            initiate.ChecksumAlgorithm = algorithm;
        }

        if (type is not null)
        {
            initiate.ChecksumType = type;
        }

        var uploadId = (await s3.Client.InitiateMultipartUploadAsync(initiate)).UploadId;
        var parts = new List<PartETag>();
        var offset = 0;
        for (var i = 0; i < PartSizes.Length; i++)
        {
            var part = await s3.Client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = S3ServerFixture.Bucket,
                Key = key,
                UploadId = uploadId,
                PartNumber = i + 1,
                InputStream = new MemoryStream(body, offset, PartSizes[i]),
                PartSize = PartSizes[i],
                ChecksumAlgorithm = algorithm ?? ChecksumAlgorithm.CRC32,
            });
            parts.Add(new PartETag(part));
            offset += PartSizes[i];
        }

        return await s3.Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = S3ServerFixture.Bucket,
            Key = key,
            UploadId = uploadId,
            PartETags = parts,
        });
    }

    private async Task AssertSdkReadAsync(string name, byte[] body, string crc32, ChecksumType type)
    {
        using var get = await s3.Client.GetObjectAsync(new GetObjectRequest
        {
            BucketName = S3ServerFixture.Bucket,
            Key = Prefix + name,
            ChecksumMode = Amazon.S3.ChecksumMode.ENABLED,
        });
        Assert.Equal(crc32, get.ChecksumCRC32);
        Assert.Equal(type, get.ChecksumType);
        Assert.Equal(body, await ReadAllAsync(get.ResponseStream));
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static List<string> ChecksumHeaders(HttpResponseMessage response) =>
        [.. response.Headers.Select(h => h.Key.ToLowerInvariant()).Where(name => name.StartsWith("x-amz-checksum-", StringComparison.Ordinal))];

    private static byte[] Body(int size, int seed)
    {
        var body = new byte[size];
        new Random(seed).NextBytes(body);
        return body;
    }

    /// <summary>S3's form: the CRC's big-endian bytes (System.IO.Hashing's own are little-endian).</summary>
    private static byte[] Crc32Bytes(ReadOnlySpan<byte> data)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, Crc32.HashToUInt32(data));
        return bytes;
    }

    private static string Crc32Of(byte[] data) => Convert.ToBase64String(Crc32Bytes(data));

    /// <summary>CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5), bitwise: small bodies only.</summary>
    private static byte[] Crc64Nvme(byte[] data)
    {
        var crc = ulong.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x9a6c9329ac4bc9b5UL : crc >> 1;
            }
        }

        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, ~crc);
        return bytes;
    }
}
