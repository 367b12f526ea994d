using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Clients;

/// <summary>
/// Headless Chromium plays a video from a throttled S3 route and seeks to 10 s, 3 s and 17 s; the page reports
/// its events back to a small page server in the test. Throttling keeps the file from arriving whole before
/// the seeks, so they have to go to the network as Range requests.
/// </summary>
[Collection(S3Collection.Name)]
public sealed class BrowserPlaybackTests(S3ServerFixture s3, MediaFixture media) : IClassFixture<MediaFixture>
{
    private static readonly double[] SeekTargets = [10, 3, 17];

    [Fact]
    public async Task Chromium_plays_and_seeks_without_a_media_error()
    {
        await s3.PutFileAsync("browser/fast.mp4", media.PathOf("fast.mp4"));
        await using var gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/browser/")
            .Route("browser", "/videos/{**key}", "bucket", policy: "paced")
            .Set("StreamForge:StreamPolicies:paced:Range:SliceSize", "1MiB")
            .Set("StreamForge:StreamPolicies:paced:Throttle:BytesPerSecond", "250KB")
            .Set("StreamForge:StreamPolicies:paced:Throttle:RateAfterBytes", "256KiB"));
        using var ranged = new RouteMeter("streamforge.range.requests", "browser");
        var report = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pages = await StartPageServerAsync(new Uri(gateway.Address, "/videos/fast.mp4"), report);
        using var browser = new HeadlessChromium(new Uri(pages.Address, "/page.html"));

        var json = await report.Task.WaitAsync(TimeSpan.FromSeconds(90));

        using var result = JsonDocument.Parse(json);
        var root = result.RootElement;
        Assert.True(root.GetProperty("ok").GetBoolean(), json);
        Assert.Equal(MediaFixture.DurationSeconds, root.GetProperty("duration").GetDouble(), precision: 0);
        var seeks = root.GetProperty("seeks").EnumerateArray().Select(s => s.GetDouble()).ToArray();
        Assert.Equal(SeekTargets.Length, seeks.Length);
        for (var i = 0; i < seeks.Length; i++)
        {
            Assert.InRange(seeks[i], SeekTargets[i] - 1, SeekTargets[i] + 1);
        }

        // More than one ranged request reached the gateway: the seeks went to the network.
        Assert.True(ranged.Total >= 2, $"the gateway served {ranged.Total} requests");
    }

    private static async Task<PageServer> StartPageServerAsync(Uri video, TaskCompletionSource<string> report)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var targets = string.Join(",", SeekTargets.Select(t => t.ToString(CultureInfo.InvariantCulture)));
        app.MapGet("/page.html", () => Results.Content(Page(video, targets), "text/html"));
        app.MapPost("/report", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            report.TrySetResult(await reader.ReadToEndAsync());
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new PageServer(app, new Uri(address));
    }

    private static string Page(Uri video, string targets) => $$"""
        <!doctype html>
        <video id="v" muted preload="auto" src="{{video}}"></video>
        <script>
        const v = document.getElementById('v');
        const seeks = [];
        const report = o => fetch('/report', { method: 'POST', body: JSON.stringify(o) });
        v.addEventListener('error', () => report({ ok: false, error: 'media error ' + (v.error && v.error.code), seeks }));
        const seekTo = t => new Promise(resolve => {
          v.addEventListener('seeked', () => { seeks.push(v.currentTime); resolve(); }, { once: true });
          v.currentTime = t;
        });
        v.addEventListener('loadedmetadata', async () => {
          try {
            await v.play().catch(() => {});
            for (const t of [{{targets}}]) { await seekTo(t); }
            report({ ok: true, duration: v.duration, seeks });
          } catch (e) { report({ ok: false, error: String(e), seeks }); }
        }, { once: true });
        setTimeout(() => report({ ok: false, error: 'timed out in the page', seeks }), 60000);
        </script>
        """;

    private sealed class PageServer(WebApplication app, Uri address) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
