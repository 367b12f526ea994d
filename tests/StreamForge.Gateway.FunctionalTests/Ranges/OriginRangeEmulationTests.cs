using System.Net;
using System.Net.Http.Json;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Ranges;

/// <summary>An origin that ignores Range still gives players a correct 206 when the route emulates ranges.</summary>
public sealed class OriginRangeEmulationTests : IAsyncLifetime
{
    private const int Length = 300_000;

    private FaultOrigin _origin = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _origin = await FaultOrigin.StartAsync();
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("origin", _origin.Address.ToString())
            .Route("emulated", "/emulated/{**rest}", "origin", policy: "emulate")
            .Set("ReverseProxy:Routes:emulated:Transforms:0:PathRemovePrefix", "/emulated")
            .Route("plain", "/plain/{**rest}", "origin")
            .Set("ReverseProxy:Routes:plain:Transforms:0:PathRemovePrefix", "/plain")
            .Set("StreamForge:StreamPolicies:emulate:Range:EmulateForOrigins", "true"));
    }

    [Theory]
    [InlineData("bytes=1000-1999", 1000, 1999)]
    [InlineData("bytes=-100", Length - 100, Length - 1)]
    [InlineData("bytes=250000-", 250_000, Length - 1)]
    [InlineData("bytes=0-0", 0, 0)]
    public async Task A_200_from_the_origin_becomes_the_requested_206(string range, long first, long last)
    {
        using var response = await GetAsync($"/emulated/no-ranges/{Length}", range);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes {first}-{last}/{Length}", response.Content.Headers.ContentRange!.ToString());
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(last - first + 1, body.Length);
        Assert.All(Enumerable.Range(0, body.Length), i => Assert.Equal(FaultOrigin.PatternAt(first + i), body[i]));
    }

    [Theory]
    [InlineData("bytes=0-99", 0)]
    [InlineData("bytes=5000000-5000099", 5_000_000)]
    public async Task The_origins_connection_is_let_go_after_the_window(string range, long first)
    {
        // 1 TiB that the origin would send for as long as the gateway reads: the gateway used to read it to the end
        // after the 206 was complete, and the client gone.
        using (var response = await GetAsync("/emulated/no-ranges-huge", range))
        {
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal($"bytes {first}-{first + 99}/{1L << 40}", response.Content.Headers.ContentRange!.ToString());
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(Enumerable.Range(0, 100).Select(i => FaultOrigin.PatternAt(first + i)), body);
        }

        await _origin.HugeAborted.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_range_past_the_end_becomes_416()
    {
        using var response = await GetAsync($"/emulated/no-ranges/{Length}", $"bytes={Length}-");

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal($"bytes */{Length}", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal("range_not_satisfiable", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
    }

    [Fact]
    public async Task An_origin_that_dies_before_the_window_gets_a_readable_502()
    {
        using var response = await GetAsync("/emulated/die-after/100000", "bytes=200000-200099");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_failed", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
    }

    [Fact]
    public async Task An_origin_that_dies_inside_the_window_cuts_the_206_and_the_access_log_says_so()
    {
        // The connection is cut, before or after the client saw the head, whichever the copy had reached.
        await Assert.ThrowsAnyAsync<HttpRequestException>(async () =>
        {
            using var response = await GetAsync("/emulated/die-after/100000", "bytes=50000-199999");
        });

        var line = await AccessLogFile.LineForAsync(_gateway, "GET", "/emulated/die-after/100000");
        Assert.Equal(206, line.GetProperty("status").GetInt32());
        Assert.Equal("sourcefailed", line.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_matching_If_Range_still_gets_the_emulated_206()
    {
        using var response = await GetAsync($"/emulated/no-ranges/{Length}", "bytes=1000-1999", FaultOrigin.NoRangesETag(Length));

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes 1000-1999/{Length}", response.Content.Headers.ContentRange!.ToString());
        Assert.Equal(1000, (await response.Content.ReadAsByteArrayAsync()).Length);
    }

    [Theory]
    [InlineData("\"another-version\"")]
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT")]
    public async Task An_If_Range_that_does_not_match_gets_the_whole_200(string ifRange)
    {
        using var response = await GetAsync($"/emulated/no-ranges/{Length}", "bytes=1000-1999", ifRange);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Length, (await response.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task Without_emulation_the_origins_200_passes_through()
    {
        using var response = await GetAsync($"/plain/no-ranges/{Length}", "bytes=1000-1999");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Length, (await response.Content.ReadAsByteArrayAsync()).Length);
    }

    private Task<HttpResponseMessage> GetAsync(string path, string range, string? ifRange = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Range", range);
        if (ifRange is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Range", ifRange);
        }

        return _gateway.Client.SendAsync(request);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _origin.DisposeAsync();
    }
}
