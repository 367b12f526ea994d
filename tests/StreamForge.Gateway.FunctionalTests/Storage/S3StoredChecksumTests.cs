using System.Net;
using System.Net.Http.Json;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Storage;

/// <summary>
/// PutObject bodies go to S3 without a signed payload; what S3 reports having stored is compared with what the
/// gateway sent. The launcher's <c>--corrupt-put-bodies</c> damages every plain PutObject body on arrival, so the
/// checksum it stores and reports is that of other bytes: the upload must fail and leave no object behind.
/// </summary>
public sealed class S3StoredChecksumTests
{
    [Theory]
    [InlineData("crc32", false)]     // what S3-compatible servers (and the launcher by default) store
    [InlineData("crc64nvme", false)] // what AWS S3 stores
    [InlineData("crc32", true)]      // a chunked body small enough for one PutObject
    public async Task A_body_S3_stored_otherwise_than_sent_fails_with_502_and_is_removed(string storedChecksum, bool chunked)
    {
        await using var s3 = await DedicatedS3Server.StartAsync("--corrupt-put-bodies", "--default-checksum", storedChecksum);
        await using var gateway = await StartGatewayAsync(s3);
        using var client = new HttpClient { BaseAddress = gateway.Address };
        var body = RandomBody();

        // Twice: the first answer teaches the gateway which checksum this server reports.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            HttpContent content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
            if (chunked)
            {
                content.Headers.ContentLength = null;
            }

            using var response = await client.PutAsync($"/stored/damaged-{storedChecksum}-{chunked}.bin", content);

            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Equal("storage_failed", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
            Assert.False(await ExistsAsync(s3, $"stored/damaged-{storedChecksum}-{chunked}.bin"));
        }
    }

    [Fact]
    public async Task A_part_S3_receives_otherwise_than_sent_fails_the_upload_with_502_and_leaves_nothing_behind()
    {
        await using var s3 = await DedicatedS3Server.StartAsync("--corrupt-put-bodies");
        await using var gateway = await StartGatewayAsync(s3);
        using var client = new HttpClient { BaseAddress = gateway.Address };
        var body = new byte[20 * 1024 * 1024]; // two parts of the default 16 MiB, each held in memory and hashed first
        Random.Shared.NextBytes(body);
        using var content = new StreamContent(new MemoryStream(body));

        using var response = await client.PutAsync("/stored/damaged-parts.bin", content); // no Content-Length: chunked

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("storage_failed", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        Assert.False(await ExistsAsync(s3, "stored/damaged-parts.bin"));
        await Eventually.TrueAsync(async () => await s3.OpenUploadsAsync("stored/") == 0, "the multipart upload is aborted");
    }

    [Fact]
    public async Task A_body_S3_stored_as_sent_is_kept()
    {
        await using var s3 = await DedicatedS3Server.StartAsync("--default-checksum", "crc64nvme");
        await using var gateway = await StartGatewayAsync(s3);
        using var client = new HttpClient { BaseAddress = gateway.Address };
        var body = RandomBody();

        using var response = await client.PutAsync("/stored/intact.bin", new ByteArrayContent(body));

        Assert.True(response.IsSuccessStatusCode, $"PUT answered {(int)response.StatusCode}");
        Assert.Equal(body, await client.GetByteArrayAsync("/stored/intact.bin"));
    }

    private static Task<GatewayHost> StartGatewayAsync(DedicatedS3Server s3) =>
        GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/stored/")
            .Route("stored", "/stored/{**key}", "bucket", writeAccess: "Anonymous"));

    private static byte[] RandomBody()
    {
        var body = new byte[100_000];
        Random.Shared.NextBytes(body);
        return body;
    }

    private static async Task<bool> ExistsAsync(DedicatedS3Server s3, string key)
    {
        try
        {
            await s3.Client.GetObjectMetadataAsync(S3ServerFixture.Bucket, key);
            return true;
        }
        catch (Amazon.S3.AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
