using System.Text.Json;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Operator;

/// <summary>
/// Headless Chromium opens the status page while a throttled 64 MiB download runs: the page lists that stream and its
/// byte count grows between two reads of the live DOM. A screenshot is kept in tests/TestResults/artifacts/.
/// </summary>
public sealed class StatusPageTests : IAsyncLifetime
{
    private const string StreamRows = "[...document.querySelectorAll('#streams tbody tr')].map(r => ({ key: r.dataset.key, bytes: Number(r.dataset.bytes), text: r.textContent }))";
    private readonly TempFolder _folder = new("status-page");
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        TestData.CreateFile(_folder.Combine("big.mp4"), 64 * TestData.MiB);
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("store", $"file://{_folder.Path}/")
            .Route("vod", "/vod/{**key}", "store", policy: "paced")
            .Set("StreamForge:StreamPolicies:paced:Throttle:BytesPerSecond", "1MiB"));
    }

    [Fact]
    public async Task The_page_shows_a_running_download_with_a_growing_byte_count()
    {
        using var stop = new CancellationTokenSource();
        var download = DownloadUntilStoppedAsync(stop.Token);
        var page = new Uri(_gateway.Address, "/_streamforge/status");
        var port = FreePort.Next();
        using var browser = new HeadlessChromium(page, port);
        await using var devTools = await DevToolsPage.ConnectAsync(port, page);

        var first = await WaitForRowAsync(devTools, bytes => bytes > 0);
        Assert.Contains("vod", first.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("download", first.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("stream 1MiB/s", first.GetProperty("text").GetString(), StringComparison.Ordinal);
        var firstBytes = first.GetProperty("bytes").GetInt64();
        var second = await WaitForRowAsync(devTools, bytes => bytes > firstBytes);
        Assert.True(second.GetProperty("bytes").GetInt64() > firstBytes);

        // The page is self-contained (no script or stylesheet from anywhere) and draws the route's throughput.
        Assert.Equal(0, (await devTools.EvaluateAsync("document.querySelectorAll('script[src], link[rel=stylesheet], img[src]').length")).GetInt32());
        Assert.True((await devTools.EvaluateAsync("!!document.querySelector('#routes [data-route=\"vod\"] svg polyline')")).GetBoolean());
        await SaveScreenshotAsync(await devTools.ScreenshotAsync());

        await stop.CancelAsync();
        await download;
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _folder.Dispose();
    }

    private async Task DownloadUntilStoppedAsync(CancellationToken stop)
    {
        try
        {
            using var response = await _gateway.Client.GetAsync("/vod/big.mp4", HttpCompletionOption.ResponseHeadersRead, stop);
            await using var body = await response.Content.ReadAsStreamAsync(stop);
            var buffer = new byte[64 * 1024];
            while (await body.ReadAsync(buffer, stop) > 0)
            {
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The test is done looking.
        }
    }

    private static async Task<JsonElement> WaitForRowAsync(DevToolsPage devTools, Func<long, bool> bytes)
    {
        JsonElement row = default;
        await Eventually.TrueAsync(async () =>
        {
            var rows = await devTools.EvaluateAsync(StreamRows);
            row = rows.EnumerateArray().FirstOrDefault(r => r.GetProperty("key").GetString() == "big.mp4");
            return row.ValueKind == JsonValueKind.Object && bytes(row.GetProperty("bytes").GetInt64());
        }, "the page to show the download of big.mp4 with more bytes");
        return row;
    }

    private static async Task SaveScreenshotAsync(byte[] png)
    {
        Assert.True(png.Length > 1000 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', "not a PNG");
        var folder = Path.Combine(RepositoryPaths.Root, "tests", "TestResults", "artifacts");
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "status-page.png"), png);
    }
}
