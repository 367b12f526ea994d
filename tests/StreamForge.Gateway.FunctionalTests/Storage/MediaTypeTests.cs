using Amazon.S3.Model;
using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Storage;

/// <summary>
/// Players need the right type (hls.js and Safari check HLS and DASH types): every extension of the built-in map is
/// served with its type from S3 (stored as S3's uninformative <c>binary/octet-stream</c>) and from the file store.
/// </summary>
[Collection(S3Collection.Name)]
public sealed class MediaTypeTests(S3ServerFixture s3) : IAsyncLifetime
{
    private readonly TempFolder _folder = new("media-types");
    private GatewayHost _gateway = null!;

    public static TheoryData<string> Extensions() => [.. MediaTypes.BuiltIn.Keys];

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/types/")
            .Route("s3-types", "/s3/{**key}", "bucket")
            .Cluster("files", $"file://{_folder.Path}/")
            .Route("file-types", "/files/{**key}", "files")
            .Set("StreamForge:MediaTypes:.xyz", "application/x-streamforge-test"));
    }

    [Theory]
    [MemberData(nameof(Extensions))]
    public async Task Each_extension_is_served_with_its_type_from_S3_and_the_file_store(string extension)
    {
        var key = "clip" + extension;
        await s3.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = S3ServerFixture.Bucket, Key = "types/" + key, ContentBody = "x", ContentType = "binary/octet-stream",
        });
        await File.WriteAllTextAsync(_folder.Combine(key), "x");
        var expected = MediaTypes.BuiltIn[extension];

        Assert.Equal(expected, await ContentTypeAsync("/s3/" + key));
        Assert.Equal(expected, await ContentTypeAsync("/files/" + key));
    }

    [Fact]
    public async Task A_configured_extension_and_a_meaningful_stored_type_are_honoured()
    {
        await File.WriteAllTextAsync(_folder.Combine("data.xyz"), "x");
        await s3.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = S3ServerFixture.Bucket, Key = "types/typed.ts", ContentBody = "x", ContentType = "text/x-typescript",
        });

        Assert.Equal("application/x-streamforge-test", await ContentTypeAsync("/files/data.xyz"));
        Assert.Equal("text/x-typescript", await ContentTypeAsync("/s3/typed.ts"));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _folder.Dispose();
    }

    private async Task<string?> ContentTypeAsync(string path)
    {
        using var response = await _gateway.Client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return response.Content.Headers.ContentType?.MediaType;
    }
}
