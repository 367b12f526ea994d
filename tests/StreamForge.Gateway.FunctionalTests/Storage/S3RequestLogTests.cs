using System.Net;
using System.Net.Http.Headers;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Storage;

/// <summary>
/// The S3 launcher's request log (tests/tools/s3server/README.md "Request log") is what the cache tests count upstream
/// reads with, so it must say exactly what the S3 side answered: one line per request, the body bytes sent, and a
/// response cut short marked as such. Requests are sent straight to the emulator with plain HttpClient.
/// </summary>
public sealed class S3RequestLogTests : IAsyncLifetime
{
    private const int Size = 100_000;

    private DedicatedS3Server _s3 = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _s3 = await DedicatedS3Server.StartAsync();
        _http = _s3.NewBucketHttpClient();
    }

    [Fact]
    public async Task A_get_a_ranged_get_and_a_head_each_log_one_line_with_the_body_bytes_sent()
    {
        var etag = await PutAsync("dir/log me.bin", new ByteArrayContent(new byte[Size]));
        _s3.ClearRequests();

        using (var get = await _http.GetAsync("dir/log%20me.bin"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(Size, (await get.Content.ReadAsByteArrayAsync()).Length);
        }

        using (var ranged = new HttpRequestMessage(HttpMethod.Get, "dir/log%20me.bin"))
        {
            ranged.Headers.TryAddWithoutValidation("Range", "bytes=1000-1999");
            ranged.Headers.TryAddWithoutValidation("If-Match", etag);
            using var response = await _http.SendAsync(ranged);
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal(1000, (await response.Content.ReadAsByteArrayAsync()).Length);
        }

        using (var head = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "dir/log%20me.bin")))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(Size, head.Content.Headers.ContentLength);
        }

        // Read as soon as the responses are: each line is written before its response's last bytes.
        var key = S3RequestRecord.KeyOf("dir/log me.bin");
        Assert.Equal(
        [
            new S3RequestRecord("GET", key, null, null, 200, Size, false),
            new S3RequestRecord("GET", key, "bytes=1000-1999", etag, 206, 1000, false),
            new S3RequestRecord("HEAD", key, null, null, 200, 0, false),
        ], _s3.Requests());
    }

    [Fact]
    public async Task Uploads_errors_and_unmet_conditions_are_logged_with_their_status()
    {
        var etag = await PutAsync("conditions.bin", new ByteArrayContent(new byte[10]));

        using (var missing = await _http.GetAsync("absent.bin"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using (var stale = new HttpRequestMessage(HttpMethod.Get, "conditions.bin"))
        {
            stale.Headers.TryAddWithoutValidation("If-Match", "\"not-the-etag\"");
            using var response = await _http.SendAsync(stale);
            Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        }

        using (var unchanged = new HttpRequestMessage(HttpMethod.Get, "conditions.bin"))
        {
            unchanged.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(etag));
            using var response = await _http.SendAsync(unchanged);
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        }

        var requests = _s3.Requests();
        Assert.Equal(["PUT 200", "GET 404", "GET 412", "GET 304"], requests.Select(r => $"{r.Method} {r.Status}"));
        Assert.Equal(0, requests[0].Bytes);
        Assert.True(requests[1].Bytes > 0, "the 404's XML error body is counted");
        Assert.Equal("\"not-the-etag\"", requests[2].IfMatch);
        Assert.Equal(0, requests[3].Bytes);
        Assert.All(requests, r => Assert.False(r.Aborted));
        Assert.Single(_s3.Requests("absent.bin"));
    }

    [Fact]
    public async Task A_reader_that_hangs_up_early_is_logged_as_aborted_with_less_than_the_object()
    {
        // Larger than what loopback socket buffers can hold, so the server is still sending when the reader leaves.
        const long large = 48L * TestData.MiB;
        await PutAsync("large.bin", new StreamContent(new GeneratedBody(large)) { Headers = { ContentLength = large } });
        _s3.ClearRequests();

        using (var response = await _http.GetAsync("large.bin", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            await body.ReadExactlyAsync(buffer);
        }

        // The line of a response cut short is written when the server sees the connection close.
        await Eventually.TrueAsync(() => _s3.Requests().Count == 1, "the aborted GET's line");
        var line = Assert.Single(_s3.Requests());
        Assert.True(line.Aborted);
        Assert.Equal(200, line.Status);
        Assert.InRange(line.Bytes, 64 * 1024, large - 1);
    }

    [Fact]
    public async Task The_log_goes_on_across_a_kill_and_restart_and_clearing_empties_it()
    {
        await PutAsync("restart.bin", new ByteArrayContent(new byte[10]));
        _s3.Kill();
        await _s3.RestartAsync();

        using (var get = await _http.GetAsync("restart.bin"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            await get.Content.ReadAsByteArrayAsync();
        }

        Assert.Equal(["PUT", "GET"], _s3.Requests("restart.bin").Select(r => r.Method));

        _s3.ClearRequests();
        Assert.Empty(_s3.Requests());

        using (var again = await _http.GetAsync("restart.bin"))
        {
            await again.Content.ReadAsByteArrayAsync();
        }

        // Appended at offset 0 of the truncated file, not after a hole where the old lines were.
        Assert.Equal(new S3RequestRecord("GET", S3RequestRecord.KeyOf("restart.bin"), null, null, 200, 10, false), Assert.Single(_s3.Requests()));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _s3.DisposeAsync();
    }

    private async Task<string> PutAsync(string key, HttpContent content)
    {
        using (content)
        {
            using var put = await _http.PutAsync(string.Join('/', key.Split('/').Select(Uri.EscapeDataString)), content);
            Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
            return put.Headers.ETag!.Tag;
        }
    }
}
