using System.Net;
using System.Net.Http.Headers;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Ranges;

/// <summary>
/// Long and open-ended ranges are fetched upstream as aligned slices, lazily, pinned to one ETag: a seeking
/// player that hangs up costs about a slice, and a replaced object aborts the response instead of splicing.
/// </summary>
[Collection(S3Collection.Name)]
public sealed class SlicingTests(S3ServerFixture s3) : IAsyncLifetime
{
    private const long MiB = 1024 * 1024;

    /// <summary>
    /// Larger than what loopback can hold in flight when a client stops reading: its receive buffer plus the
    /// gateway's send buffer, which Linux grows to several MiB (tcp_wmem). With 1 MiB slices, how many slices a
    /// hang-up costs would measure the kernel's buffer tuning, not the gateway.
    /// </summary>
    private const long LargeSlice = 8 * MiB;

    private readonly TempFolder _folder = new("slicing");
    private GatewayHost _gateway = null!;

    private string Root => _folder.Combine("root");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/slicing/")
            .Route("slice-s3", "/s3/{**key}", "bucket", policy: "sliced")
            .Route("slice-s3-large", "/s3-large/{**key}", "bucket", policy: "sliced-large")
            .Cluster("files", $"file://{Root}/")
            .Route("slice-files", "/files/{**key}", "files", policy: "sliced")
            .Set("StreamForge:StreamPolicies:sliced:Range:SliceSize", "1MiB")
            .Set("StreamForge:StreamPolicies:sliced-large:Range:SliceSize", $"{LargeSlice / MiB}MiB"));
    }

    [Fact]
    public async Task An_open_ended_range_arrives_whole_from_aligned_slices()
    {
        var expected = TestData.CreateFile(Path.Combine(Root, "whole.bin"), (10 * MiB) + 12345, seed: 8);
        using var slices = new RouteMeter("streamforge.range.slices", "slice-files");

        var (status, body) = await ReadFromAsync("/files/whole.bin", 512 * 1024);

        Assert.Equal(HttpStatusCode.PartialContent, status);
        var whole = File.ReadAllBytes(Path.Combine(Root, "whole.bin"));
        Assert.Equal(whole[(512 * 1024)..], body);
        Assert.Equal(expected, TestData.Sha256OfFile(Path.Combine(Root, "whole.bin")));
        // 0.5 MiB to the first boundary, then 10 whole slices, then the 12,345-byte tail.
        Assert.Equal(11, slices.Total);
    }

    [Fact]
    public async Task An_open_ended_S3_range_arrives_whole_from_one_upstream_GET()
    {
        var path = _folder.Combine("whole-s3.bin");
        TestData.CreateFile(path, (10 * MiB) + 12345, seed: 9);
        await s3.PutFileAsync("slicing/whole-s3.bin", path);
        using var slices = new RouteMeter("streamforge.range.slices", "slice-s3");

        var (status, body) = await ReadFromAsync("/s3/whole-s3.bin", 512 * 1024);

        Assert.Equal(HttpStatusCode.PartialContent, status);
        Assert.Equal(File.ReadAllBytes(path)[(512 * 1024)..], body);
        // S3 bills each GET and makes each wait for its first byte: the 10 MiB go in one read, not in 1 MiB slices.
        Assert.Equal(1, slices.Total);
    }

    [Fact]
    public async Task A_client_that_reads_a_little_of_an_open_range_and_hangs_up_costs_at_most_two_slices()
    {
        var path = _folder.Combine("big.bin");
        using (var file = File.Create(path))
        {
            file.SetLength(256 * MiB);
        }

        await s3.PutFileAsync("slicing/big.bin", path);
        using var slices = new RouteMeter("streamforge.range.slices", "slice-s3-large");
        using var sent = new RouteMeter("streamforge.bytes.sent", "slice-s3-large");
        using var aborted = new RouteMeter("streamforge.streams.aborted", "slice-s3-large");

        using (var client = PausedClient.Create(_gateway.Address))
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/s3-large/big.bin");
            request.Headers.Range = new RangeHeaderValue(0, null);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            var stream = await response.Content.ReadAsStreamAsync();
            await stream.ReadAtLeastAsync(new byte[MiB], (int)MiB);
        }

        await Eventually.TrueAsync(() => aborted.Total > 0, "the gateway notices the client is gone");
        // 2 of the object's 32 slices at most.
        Assert.InRange(slices.Total, 1, 2);
        // The client read 1 MiB; the write in flight when it hung up may fail before it is counted, and a copy whose
        // client keeps up writes chunks of up to the default ChunkSize (256 KiB), part of which the client may have read.
        Assert.InRange(sent.Total, MiB - (256 * 1024), 2 * LargeSlice);
    }

    [Fact]
    public async Task An_object_replaced_mid_response_aborts_the_connection()
    {
        var path = Path.Combine(Root, "replaced.bin");
        TestData.CreateFile(path, 64 * MiB, seed: 1);
        using var client = PausedClient.Create(_gateway.Address);
        var request = new HttpRequestMessage(HttpMethod.Get, "/files/replaced.bin");
        request.Headers.Range = new RangeHeaderValue(0, null);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStreamAsync();
        await body.ReadAtLeastAsync(new byte[MiB], (int)MiB);

        var replacement = _folder.Combine("replacement.bin");
        TestData.CreateFile(replacement, 64 * MiB, seed: 2);
        File.Move(replacement, path, overwrite: true);

        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null));
    }

    /// <summary>GETs <paramref name="path"/> from <paramref name="first"/> to its end (<c>Range: bytes=first-</c>).</summary>
    private async Task<(HttpStatusCode Status, byte[] Body)> ReadFromAsync(string path, long first)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Range = new RangeHeaderValue(first, null);
        using var response = await _gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _folder.Dispose();
    }
}
