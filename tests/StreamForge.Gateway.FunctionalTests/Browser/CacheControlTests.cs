using System.Net;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Browser;

/// <summary>A stream policy sets Cache-Control on storage responses, with per-extension overrides for live manifests.</summary>
public sealed class CacheControlTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("cache-control");
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_folder.Combine("live.m3u8"), "#EXTM3U\n");
        TestData.CreateFile(_folder.Combine("segment.m4s"), 10_000, seed: 2);
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("files", $"file://{_folder.Path}/")
            .Route("vod", "/vod/{**key}", "files", policy: "vod")
            .Route("plain", "/plain/{**key}", "files")
            .Set("StreamForge:StreamPolicies:vod:Headers:CacheControl", "public, max-age=31536000, immutable")
            .Set("StreamForge:StreamPolicies:vod:Headers:CacheControlByExtension:.m3u8", "no-cache"));
    }

    [Theory]
    [InlineData("/vod/segment.m4s", null, "public, max-age=31536000, immutable")]
    [InlineData("/vod/segment.m4s", "bytes=0-9", "public, max-age=31536000, immutable")]
    [InlineData("/vod/live.m3u8", null, "no-cache")]
    public async Task The_policy_sets_Cache_Control(string path, string? range, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        using var response = await _gateway.Client.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal(expected, response.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task A_route_whose_policy_sets_none_sends_none()
    {
        using var response = await _gateway.Client.GetAsync("/plain/segment.m4s");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Headers.CacheControl);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _folder.Dispose();
    }
}
