using System.Net;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Storage;

/// <summary>
/// S3 carries out an upload's last call but its answer never comes back (the connection is cut as it starts): the
/// client must hear what S3 actually holds, not a failure for an object that was stored. Reported with a 404
/// object_not_found (the SDK's retried Complete met NoSuchUpload) and a 503 "S3 is unreachable" while the new
/// version had already replaced the old one.
/// </summary>
public sealed class S3LostAnswerTests : IAsyncLifetime
{
    private const string Prefix = "lost/";

    private readonly TempFolder _files = new("s3-lost-answers");
    private DedicatedS3Server _s3 = null!;
    private AnswerDroppingProxy _proxy = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _s3 = await DedicatedS3Server.StartAsync();
        _proxy = AnswerDroppingProxy.Start(_s3.ServiceUrl);
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(_proxy.Url)
            .Cluster("bucket", "s3://media/" + Prefix)
            .Route("lost", "/lost/{**key}", "bucket", policy: "parts", writeAccess: "Anonymous")
            .Set("StreamForge:StreamPolicies:parts:Upload:PartSize", "5MiB")
            .Set("StreamForge:StreamPolicies:parts:Upload:SinglePutMaxSize", "5MiB"));
    }

    [Theory]
    [InlineData("single.bin", 1024 * 1024, false, "PUT /media/lost/single.bin?")] // one presigned PutObject
    [InlineData("multi.bin", 12 * 1024 * 1024, false, "POST /media/lost/multi.bin?uploadId=")] // parts streamed by AWSSDK
    [InlineData("chunked.bin", 12 * 1024 * 1024, true, "POST /media/lost/chunked.bin?uploadId=")] // parts held, sent presigned
    public async Task An_upload_whose_last_answer_is_lost_but_which_S3_stored_is_reported_stored(string key, int size, bool chunked, string lastCall)
    {
        await _s3.Client.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = S3ServerFixture.Bucket, Key = Prefix + key, ContentBody = "old" });
        var body = _files.Combine(key);
        var sha = TestData.CreateFile(body, size, seed: size);
        _proxy.DropNextAnswerTo(lastCall);

        using var content = new StreamContent(File.OpenRead(body));
        content.Headers.ContentLength = chunked ? null : size;
        using var request = new HttpRequestMessage(HttpMethod.Put, "/lost/" + key) { Content = content };
        request.Headers.TransferEncodingChunked = chunked;
        using var put = await _gateway.Client.SendAsync(request);

        Assert.Equal(1, _proxy.Dropped);
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        using var stored = await _s3.Client.GetObjectAsync(S3ServerFixture.Bucket, Prefix + key);
        Assert.Equal(sha, await TestData.Sha256Async(stored.ResponseStream));
        Assert.Equal(stored.ETag, put.Headers.ETag?.Tag);
        Assert.Equal(0, await _s3.OpenUploadsAsync(Prefix + key));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _proxy.DisposeAsync();
        await _s3.DisposeAsync();
        _files.Dispose();
    }
}
