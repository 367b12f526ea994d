using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Ranges;

/// <summary>
/// A seek (one closed range, no conditionals, at most a slice long) costs one storage call: the range read brings
/// the metadata with it. Clamping and 416 behave as on the planned path (RFC 9110 sections 14.1.2 and 15.5.17).
/// </summary>
[Collection(S3Collection.Name)]
public sealed class SeekTests(S3ServerFixture s3) : IAsyncLifetime, IDisposable
{
    private const int Length = 3 * 1024 * 1024;
    private readonly TempFolder _folder = new("seeks");
    private readonly ConcurrentBag<Activity> _spans = [];
    private ActivityListener _listener = null!;
    private GatewayHost _gateway = null!;
    private byte[] _bytes = null!;

    public async Task InitializeAsync()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "StreamForge.Gateway",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Add,
        };
        ActivitySource.AddActivityListener(_listener);
        var path = _folder.Combine("files", "movie.mp4");
        TestData.CreateFile(path, Length, seed: 21);
        _bytes = await File.ReadAllBytesAsync(path);
        await s3.PutFileAsync("seeks/movie.mp4", path);
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/seeks/")
            .Route("seek-s3", "/s3/{**key}", "bucket", policy: "seeks")
            .Cluster("files", $"file://{_folder.Combine("files")}/")
            .Route("seek-files", "/files/{**key}", "files", policy: "seeks")
            .Set("StreamForge:StreamPolicies:seeks:Range:SliceSize", "1MiB"));
    }

    [Fact]
    public async Task A_closed_range_on_S3_is_one_GetObject_with_no_metadata_read()
    {
        using var response = await GetRangeAsync("/s3/movie.mp4", 1_000_000, 1_999_999);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes 1000000-1999999/{Length}", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal("video/mp4", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(_bytes[1_000_000..2_000_000], await response.Content.ReadAsByteArrayAsync());
        await Eventually.TrueAsync(() => Calls("GetObject") == 1, "the range read's span");
        Assert.Equal(0, Calls("HeadObject"));
    }

    [Theory]
    [InlineData("/s3/movie.mp4")]
    [InlineData("/files/movie.mp4")]
    public async Task A_range_past_the_end_is_clamped_and_one_that_starts_past_it_is_416(string path)
    {
        using (var clamped = await GetRangeAsync(path, Length - 10, Length + 1000))
        {
            Assert.Equal(HttpStatusCode.PartialContent, clamped.StatusCode);
            Assert.Equal($"bytes {Length - 10}-{Length - 1}/{Length}", clamped.Content.Headers.ContentRange?.ToString());
            Assert.Equal(_bytes[^10..], await clamped.Content.ReadAsByteArrayAsync());
        }

        using var beyond = await GetRangeAsync(path, Length, Length + 10);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);
        Assert.Equal($"bytes */{Length}", beyond.Content.Headers.ContentRange?.ToString());
    }

    [Theory]
    [InlineData("/s3/missing.mp4")]
    [InlineData("/files/missing.mp4")]
    public async Task A_seek_into_a_missing_object_is_404(string path)
    {
        using var response = await GetRangeAsync(path, 0, 99);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public void Dispose()
    {
        _listener.Dispose();
        _folder.Dispose();
    }

    private int Calls(string operation) =>
        _spans.Count(s => s.OperationName == $"storage {operation}" && (string?)s.GetTagItem("streamforge.storage.key") == "seeks/movie.mp4");

    private Task<HttpResponseMessage> GetRangeAsync(string path, long first, long last)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Range = new RangeHeaderValue(first, last);
        return _gateway.Client.SendAsync(request);
    }
}
