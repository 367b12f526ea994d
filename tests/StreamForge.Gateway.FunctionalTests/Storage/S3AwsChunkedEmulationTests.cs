using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Amazon.S3.Model;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Storage;

/// <summary>
/// The S3 emulator's handling of <c>aws-chunked</c> and checksummed PUT bodies (tests/tools/s3server/README.md,
/// "What it fixes: aws-chunked uploads"). A PutObject of known length is decoded on the fly into the store's write, so
/// a body found bad only when it ends (framing, decoded length, checksum) and a client that hangs up mid-body must still
/// be refused as S3 refuses them, with nothing written: the previous object stays whole, with its checksum. Requests go
/// straight to a server of this class's own, whose folder and request log the tests read.
/// </summary>
public sealed class S3AwsChunkedEmulationTests : IAsyncLifetime
{
    private const string Key = "chunked/object.bin";

    // Several chunks, the last one short, and far more than socket buffers hold: the store is writing before the end.
    private const int Size = (3 * TestData.MiB) + 5;
    private const int ChunkSize = 64 * 1024;

    private DedicatedS3Server _s3 = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _s3 = await DedicatedS3Server.StartAsync();
        _http = _s3.NewBucketHttpClient();
    }

    [Fact]
    public async Task A_streamed_put_stores_the_decoded_body_with_its_trailer_checksum()
    {
        var body = Body(Size, seed: 1);
        using (var put = await _http.SendAsync(ChunkedPut(Key, AwsChunked(body, Crc32Of(body)), body.Length)))
        {
            Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
            Assert.Equal(Crc32Of(body), Header(put, "x-amz-checksum-crc32"));
            Assert.Equal("FULL_OBJECT", Header(put, "x-amz-checksum-type"));
        }

        using var get = await GetWithChecksumAsync(Key);
        Assert.Equal(body, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal(Crc32Of(body), Header(get, "x-amz-checksum-crc32"));
        // aws-chunked is the request's framing, not the object's encoding.
        Assert.Empty(get.Content.Headers.ContentEncoding);
        Assert.Empty(TempFiles());
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { "wrong trailer checksum", "BadDigest" },
        { "no trailer", "IncompleteBody" },
        { "broken chunk framing", "IncompleteBody" },
        { "more bytes than declared", "IncompleteBody" },
        { "fewer bytes than declared", "IncompleteBody" },
        { "wrong checksum header on a plain body", "BadDigest" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_body_found_bad_at_its_end_is_refused_and_the_previous_object_stays(string fault, string code)
    {
        var previous = await SeedAsync();
        var body = Body(Size, seed: 2);
        using var request = fault switch
        {
            "wrong trailer checksum" => ChunkedPut(Key, AwsChunked(body, Crc32Of(previous)), body.Length),
            "no trailer" => ChunkedPut(Key, AwsChunked(body, trailerCrc32: null), body.Length),
            "broken chunk framing" => ChunkedPut(Key, AwsChunked(body, Crc32Of(body), brokenChunk: 20), body.Length),
            "more bytes than declared" => ChunkedPut(Key, AwsChunked(body, Crc32Of(body)), body.Length - 1),
            "fewer bytes than declared" => ChunkedPut(Key, AwsChunked(body, Crc32Of(body)), body.Length + 1),
            _ => PlainPut(Key, body, "x-amz-checksum-sha256", Convert.ToBase64String(SHA256.HashData(previous))),
        };

        using (var response = await _http.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(code, ErrorCode(await response.Content.ReadAsStringAsync()));
            Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase));
        }

        await AssertPreviousObjectAsync(previous);
        Assert.Empty(TempFiles());
        Assert.Equal(["PUT 200", "PUT 400"], _s3.Requests(Key).Where(r => r.Method == "PUT").Select(r => $"{r.Method} {r.Status}"));
    }

    [Fact]
    public async Task A_client_that_hangs_up_mid_body_leaves_the_previous_object()
    {
        var previous = await SeedAsync();
        var body = Body(Size, seed: 3);
        var framed = AwsChunked(body, Crc32Of(body));

        await RawHttp.SendAsync(new Uri(_s3.ServiceUrl),
            $"PUT /{S3ServerFixture.Bucket}/{Key} HTTP/1.1\nHost: 127.0.0.1\nContent-Length: {framed.Length}\n" +
            "Content-Encoding: aws-chunked\nx-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER\n" +
            $"x-amz-decoded-content-length: {body.Length}\nx-amz-trailer: x-amz-checksum-crc32\nConnection: close\n\n",
            framed[..(framed.Length / 2)],
            closeAfterBody: true);

        await Eventually.TrueAsync(() => _s3.Requests(Key).Count(r => r.Method == "PUT") == 2, "the abandoned PUT is logged");
        Assert.True(_s3.Requests(Key).Last(r => r.Method == "PUT").Aborted);
        await Eventually.TrueAsync(() => TempFiles().Length == 0, "the store removes its temp files");
        await AssertPreviousObjectAsync(previous);
    }

    [Fact]
    public async Task A_part_with_a_wrong_checksum_is_refused_and_the_part_stored_before_stays()
    {
        var uploadId = (await _s3.Client.InitiateMultipartUploadAsync(S3ServerFixture.Bucket, Key)).UploadId;
        var part = Body(100_000, seed: 4);
        var stored = await _s3.Client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = S3ServerFixture.Bucket,
            Key = Key,
            UploadId = uploadId,
            PartNumber = 1,
            InputStream = new MemoryStream(part),
        });

        var replacement = Body(Size, seed: 5);
        var query = $"?partNumber=1&uploadId={Uri.EscapeDataString(uploadId)}";
        using (var response = await _http.SendAsync(ChunkedPut(Key + query, AwsChunked(replacement, Crc32Of(part)), replacement.Length)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("BadDigest", ErrorCode(await response.Content.ReadAsStringAsync()));
        }

        var parts = await _s3.Client.ListPartsAsync(new ListPartsRequest { BucketName = S3ServerFixture.Bucket, Key = Key, UploadId = uploadId });
        var listed = Assert.Single(parts.Parts);
        Assert.Equal(stored.ETag, listed.ETag);
        Assert.Equal<long?>(part.Length, listed.Size);
        await _s3.Client.AbortMultipartUploadAsync(S3ServerFixture.Bucket, Key, uploadId);
    }

    [Fact]
    public async Task A_bad_body_to_a_missing_bucket_is_NoSuchBucket_as_S3_checks_the_bucket_first()
    {
        var body = Body(TestData.MiB, seed: 6);
        using var response = await _http.SendAsync(ChunkedPut("/no-such-bucket/object.bin", AwsChunked(body, trailerCrc32: null), body.Length));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NoSuchBucket", ErrorCode(await response.Content.ReadAsStringAsync()));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _s3.DisposeAsync();
    }

    private async Task<byte[]> SeedAsync()
    {
        var previous = Body(100_000, seed: 100);
        using var put = await _http.PutAsync(Key, new ByteArrayContent(previous));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        return previous;
    }

    /// <summary>The object is the seeded one, bytes and stored checksum.</summary>
    private async Task AssertPreviousObjectAsync(byte[] previous)
    {
        using var get = await GetWithChecksumAsync(Key);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(previous, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal(Crc32Of(previous), Header(get, "x-amz-checksum-crc32"));
    }

    private async Task<HttpResponseMessage> GetWithChecksumAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, key);
        request.Headers.TryAddWithoutValidation("x-amz-checksum-mode", "ENABLED");
        return await _http.SendAsync(request);
    }

    /// <summary>The store's temp files (<c>&lt;name&gt;.&lt;random&gt;.tmp</c>) next to the object.</summary>
    private string[] TempFiles()
    {
        var folder = Path.GetDirectoryName(_s3.ObjectFile(Key))!;
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.tmp") : [];
    }

    /// <summary>A PUT as AWSSDK.S3 sends it: aws-chunked, unsigned, with a CRC32 trailer declared.</summary>
    private static HttpRequestMessage ChunkedPut(string target, byte[] framed, long decodedLength)
    {
        var content = new ByteArrayContent(framed);
        content.Headers.ContentEncoding.Add("aws-chunked");
        var request = new HttpRequestMessage(HttpMethod.Put, new Uri(target, UriKind.Relative)) { Content = content };
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
        request.Headers.TryAddWithoutValidation("x-amz-decoded-content-length", decodedLength.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("x-amz-trailer", "x-amz-checksum-crc32");
        return request;
    }

    private static HttpRequestMessage PlainPut(string target, byte[] body, string checksumHeader, string checksum)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, new Uri(target, UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Headers.TryAddWithoutValidation(checksumHeader, checksum);
        return request;
    }

    /// <summary>
    /// <paramref name="data"/> framed as aws-chunked (<c>&lt;hex size&gt;\r\n&lt;data&gt;\r\n</c> per chunk, then
    /// <c>0\r\n</c>, the trailer and an empty line); <paramref name="brokenChunk"/> ends that chunk without its CRLF.
    /// </summary>
    private static byte[] AwsChunked(byte[] data, string? trailerCrc32, int brokenChunk = -1)
    {
        using var framed = new MemoryStream();
        for (int offset = 0, index = 0; offset < data.Length; offset += ChunkSize, index++)
        {
            var length = Math.Min(ChunkSize, data.Length - offset);
            framed.Write(Encoding.ASCII.GetBytes(length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
            framed.Write(data, offset, length);
            framed.Write(index == brokenChunk ? "XX"u8 : "\r\n"u8);
        }

        framed.Write("0\r\n"u8);
        if (trailerCrc32 is not null)
        {
            framed.Write(Encoding.ASCII.GetBytes($"x-amz-checksum-crc32:{trailerCrc32}\r\n"));
        }

        framed.Write("\r\n"u8);
        return framed.ToArray();
    }

    private static string? ErrorCode(string xml) => XDocument.Parse(xml).Root?.Element("Code")?.Value;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static byte[] Body(int size, int seed)
    {
        var body = new byte[size];
        new Random(seed).NextBytes(body);
        return body;
    }

    /// <summary>S3's form: base64 of the CRC's big-endian bytes.</summary>
    private static string Crc32Of(byte[] data)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, Crc32.HashToUInt32(data));
        return Convert.ToBase64String(bytes);
    }
}
