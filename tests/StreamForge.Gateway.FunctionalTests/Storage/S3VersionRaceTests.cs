using System.Net;
using System.Net.Http.Headers;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Storage;

/// <summary>
/// A ranged read is planned on a metadata read, then read pinned to that version. The object may change in between,
/// and an S3-compatible server may ignore If-Match or Range: the client gets the current version whole and
/// consistent, never bytes of one version under the headers of another, nor bytes from the wrong offset.
/// </summary>
public sealed class S3VersionRaceTests : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempFolder _folder = new("s3-race");
    private DedicatedS3Server? _s3;
    private GatewayHost? _gateway;
    private HttpClient? _client;

    private string HoldFile => _folder.Combine("hold-heads");

    [Theory]
    [InlineData(false)] // S3 answers the stale pin with 412
    [InlineData(true)]  // a server that ignores If-Match answers with the new version's bytes
    public async Task An_object_replaced_between_metadata_and_body_is_served_whole_in_its_new_version(bool ignoresIfMatch)
    {
        var client = await StartAsync(ignoresIfMatch ? ["--ignore-request-header", "if-match"] : []);
        var old = await PutAsync("race.bin", seed: 1);
        var current = await PutAsync("race.bin", seed: 2, upload: false);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/s3/race.bin") { Headers = { Range = new RangeHeaderValue(10, null) } };
        using var response = await SendChangingInBetweenAsync(request, () => _s3!.PutAsync("race.bin", current.Path));
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(current.Bytes[10..], body);
        Assert.NotEqual(old.Bytes[10..], body);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/s3/race.bin"));
        Assert.Equal(head.Headers.ETag, response.Headers.ETag);
    }

    [Fact]
    public async Task A_multi_range_request_on_an_object_replaced_between_metadata_and_body_is_served_from_the_new_version()
    {
        var client = await StartAsync([]);
        await PutAsync("parts.bin", seed: 5);
        var current = await PutAsync("parts.bin", seed: 6, upload: false);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/s3/parts.bin");
        request.Headers.TryAddWithoutValidation("Range", "bytes=10-19,3000000-3000999");
        // The first part's pinned read fails before the 206 starts, so the request is planned again on the new version.
        using var response = await SendChangingInBetweenAsync(request, () => _s3!.PutAsync("parts.bin", current.Path));
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("multipart/byteranges", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(body.AsSpan().IndexOf(current.Bytes.AsSpan(10, 10)) >= 0, "the first part holds the new version's bytes");
        Assert.True(body.AsSpan().IndexOf(current.Bytes.AsSpan(3_000_000, 1000)) >= 0, "the second part holds the new version's bytes");
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/s3/parts.bin"));
        Assert.Equal(head.Headers.ETag, response.Headers.ETag);
    }

    [Fact]
    public async Task An_object_deleted_between_metadata_and_body_is_404()
    {
        var client = await StartAsync([]);
        await PutAsync("gone.bin", seed: 3);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/s3/gone.bin") { Headers = { Range = new RangeHeaderValue(10, null) } };
        using var response = await SendChangingInBetweenAsync(request, () => _s3!.Client.DeleteObjectAsync(S3ServerFixture.Bucket, "gone.bin"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_server_that_ignores_Range_never_gets_its_bytes_sent_as_the_range()
    {
        var client = await StartAsync(["--ignore-request-header", "range"]);
        await PutAsync("whole.bin", seed: 4);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/s3/whole.bin") { Headers = { Range = new RangeHeaderValue(3 * TestData.MiB, null) } };
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_s3 is not null)
        {
            await _s3.DisposeAsync();
        }

        _folder.Dispose();
    }

    /// <summary>
    /// Sends <paramref name="request"/> with S3 holding the gateway's metadata read, runs <paramref name="change"/> (the
    /// object replaced or deleted after that HEAD was answered, before the body's GET), then lets the HEAD go.
    /// </summary>
    private async Task<HttpResponseMessage> SendChangingInBetweenAsync(HttpRequestMessage request, Func<Task> change)
    {
        File.WriteAllText(HoldFile, string.Empty);
        var reading = _client!.SendAsync(request);
        await Eventually.TrueAsync(() => File.Exists(HoldFile + ".held"), "the metadata read is held by S3");
        await change();
        File.Delete(HoldFile);
        return await reading;
    }

    private async Task<HttpClient> StartAsync(string[] faults)
    {
        _s3 = await DedicatedS3Server.StartAsync(["--hold-heads", HoldFile, .. faults]);
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(_s3.ServiceUrl)
            .Cluster("bucket", "s3://media/")
            .Route("s3", "/s3/{**key}", "bucket"));
        _client = new HttpClient { BaseAddress = _gateway.Address, Timeout = Bound };
        return _client;
    }

    private async Task<(string Path, byte[] Bytes)> PutAsync(string key, int seed, bool upload = true)
    {
        var path = _folder.Combine($"{key}.{seed}");
        TestData.CreateFile(path, 4 * TestData.MiB, seed);
        if (upload)
        {
            await _s3!.PutAsync(key, path);
        }

        return (path, await File.ReadAllBytesAsync(path));
    }
}
