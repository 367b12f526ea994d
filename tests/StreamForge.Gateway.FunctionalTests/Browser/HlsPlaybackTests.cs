using System.Text.Json;
using Amazon.S3.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamForge.Gateway.FunctionalTests.Clients;
using StreamForge.Gateway.FunctionalTests.Infrastructure;
using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.FunctionalTests.Browser;

/// <summary>
/// A player page on a second local origin plays HLS (fragmented MP4 segments, made by ffmpeg) through hls.js from
/// the gateway, seeks to three positions, reads a ranged fetch() and plays an MP4 in <c>&lt;video crossorigin&gt;</c>,
/// for an S3 route (objects stored as <c>binary/octet-stream</c>) and a file-store route. The same page fails on a
/// route whose CORS policy does not allow its origin.
/// </summary>
[Collection(S3Collection.Name)]
public sealed class HlsPlaybackTests(S3ServerFixture s3, MediaFixture media) : IClassFixture<MediaFixture>, IAsyncLifetime
{
    private static readonly byte[] SigningKey = [.. Enumerable.Range(7, 32).Select(i => (byte)i)];

    private readonly TempFolder _hls = new("hls");
    private readonly TempFolder _store = new("hls-store");
    private PageServer _pages = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        var (code, output) = await CommandLine.RunAsync("ffmpeg",
        [
            "-v", "error", "-i", media.PathOf("fast.mp4"), "-c", "copy", "-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod",
            "-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename", "seg-%d.m4s", "index.m3u8",
        ], _hls.Path);
        Assert.True(code == 0, output);
        File.Copy(media.PathOf("fast.mp4"), _hls.Combine("clip.mp4"));
        Directory.CreateDirectory(_store.Combine("show"));
        foreach (var file in Directory.GetFiles(_hls.Path))
        {
            var name = Path.GetFileName(file);
            File.Copy(file, _store.Combine(name));
            File.Copy(file, _store.Combine("show", name));
            await s3.Client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = S3ServerFixture.Bucket, Key = "hls/" + name, FilePath = file, ContentType = "binary/octet-stream",
            });
        }

        _pages = await PageServer.StartAsync();
        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/hls/")
            .Route("s3-hls", "/s3/{**key}", "bucket")
            .Set("ReverseProxy:Routes:s3-hls:CorsPolicy", "players")
            .Cluster("files", $"file://{_store.Path}/")
            .Route("file-hls", "/files/{**key}", "files")
            .Set("ReverseProxy:Routes:file-hls:CorsPolicy", "players")
            .Route("signed-hls", "/signed/{**key}", "files", policy: "private")
            .Set("ReverseProxy:Routes:signed-hls:CorsPolicy", "players")
            .Set("StreamForge:StreamPolicies:private:Access:Signed", "true")
            .Set("StreamForge:StreamPolicies:private:Access:Keys:k1", Convert.ToBase64String(SigningKey))
            .Route("denied-hls", "/denied/{**key}", "files")
            .Set("ReverseProxy:Routes:denied-hls:CorsPolicy", "others")
            .Set("StreamForge:Cors:players:AllowedOrigins:0", _pages.Origin)
            .Set("StreamForge:Cors:others:AllowedOrigins:0", "https://other.example"));
    }

    [Theory]
    [InlineData("/s3/")]
    [InlineData("/files/")]
    [InlineData("/signed/")] // one signature for the folder "show/" covers the playlist and every segment it names
    public async Task A_page_on_another_origin_plays_and_seeks_HLS_and_MP4(string route)
    {
        var report = await RunPageAsync(route);

        Assert.True(report.GetProperty("ok").GetBoolean(), report.ToString());
        Assert.Equal(MediaFixture.DurationSeconds, report.GetProperty("duration").GetDouble(), precision: 0);
        var seeks = report.GetProperty("seeks").EnumerateArray().Select(s => s.GetDouble()).ToArray();
        Assert.Equal(3, seeks.Length);
        Assert.InRange(seeks[0], 13, 15);
        Assert.InRange(seeks[1], 3, 5);
        Assert.InRange(seeks[2], 17, 19);
        Assert.Equal(206, report.GetProperty("rangeStatus").GetInt32());
        Assert.StartsWith("bytes 0-99/", report.GetProperty("contentRange").GetString(), StringComparison.Ordinal);
        Assert.Equal(MediaFixture.DurationSeconds, report.GetProperty("mp4Duration").GetDouble(), precision: 0);
        var mp4Seeks = report.GetProperty("mp4Seeks").EnumerateArray().Select(s => s.GetDouble()).ToArray();
        Assert.Collection(mp4Seeks, t => Assert.InRange(t, 13, 15), t => Assert.InRange(t, 3, 5), t => Assert.InRange(t, 17, 19));
    }

    [Fact]
    public async Task The_same_page_fails_where_the_CORS_policy_does_not_allow_its_origin()
    {
        var report = await RunPageAsync("/denied/");

        Assert.False(report.GetProperty("ok").GetBoolean(), report.ToString());
        Assert.Equal("networkError", report.GetProperty("errorType").GetString());
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _pages.DisposeAsync();
        _hls.Dispose();
        _store.Dispose();
    }

    private async Task<JsonElement> RunPageAsync(string route)
    {
        var mediaBase = new Uri(_gateway.Address, route == "/signed/"
            ? $"/signed/{SignedUrl.CreateToken("signed-hls", "show/", DateTimeOffset.UtcNow.AddHours(1), "k1", SigningKey)}/show/"
            : route);
        var report = _pages.Expect(route);
        using var browser = new HeadlessChromium(new Uri(_pages.Address, $"/page.html?base={Uri.EscapeDataString(mediaBase.ToString())}&route={Uri.EscapeDataString(route)}"));

        using var json = JsonDocument.Parse(await report.WaitAsync(TimeSpan.FromSeconds(90)));
        return json.RootElement.Clone();
    }

    /// <summary>Serves the player page and hls.js from its own origin (another port), and takes the page's report.</summary>
    private sealed class PageServer(WebApplication app, Uri address) : IAsyncDisposable
    {
        private readonly Dictionary<string, TaskCompletionSource<string>> _reports = [];

        public Uri Address { get; } = address;

        public string Origin => Address.GetLeftPart(UriPartial.Authority);

        public static async Task<PageServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            PageServer? server = null;
            app.MapGet("/page.html", () => Results.Content(Page, "text/html"));
            app.MapGet("/hls.js", () => Results.File(RepositoryPaths.HlsJs, "text/javascript"));
            app.MapPost("/report", async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                var route = JsonDocument.Parse(body).RootElement.GetProperty("route").GetString()!;
                lock (server!._reports)
                {
                    server._reports[route].TrySetResult(body);
                }
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            server = new PageServer(app, new Uri(address));
            return server;
        }

        public Task<string> Expect(string route)
        {
            var report = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_reports)
            {
                _reports[route] = report;
            }

            return report.Task;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private const string Page = """
        <!doctype html>
        <video id="hls" muted></video>
        <video id="mp4" muted crossorigin="anonymous" preload="metadata"></video>
        <script src="/hls.js"></script>
        <script>
        const params = new URLSearchParams(location.search);
        const base = params.get('base'), route = params.get('route');
        const seeks = [];
        let done = false;
        const report = o => { if (done) return; done = true; fetch('/report', { method: 'POST', body: JSON.stringify({ route, seeks, ...o }) }); };
        const once = (el, name) => new Promise(resolve => el.addEventListener(name, resolve, { once: true }));
        const v = document.getElementById('hls');
        const hls = new Hls();
        hls.on(Hls.Events.ERROR, (_, data) => { if (data.fatal) report({ ok: false, errorType: data.type, details: data.details }); });
        hls.on(Hls.Events.MANIFEST_PARSED, async () => {
          try {
            await v.play().catch(() => {});
            for (const t of [14, 4, 18]) { const seeked = once(v, 'seeked'); v.currentTime = t; await seeked; seeks.push(v.currentTime); }
            const ranged = await fetch(base + 'clip.mp4', { headers: { Range: 'bytes=0-99' } });
            const mp4 = document.getElementById('mp4');
            const loaded = once(mp4, 'loadedmetadata');
            mp4.src = base + 'clip.mp4';
            await loaded;
            await mp4.play().catch(() => {});
            const mp4Seeks = [];
            for (const t of [14, 4, 18]) { const seeked = once(mp4, 'seeked'); mp4.currentTime = t; await seeked; mp4Seeks.push(mp4.currentTime); }
            report({ ok: true, duration: v.duration, rangeStatus: ranged.status, contentRange: ranged.headers.get('Content-Range'), mp4Duration: mp4.duration, mp4Seeks });
          } catch (e) { report({ ok: false, errorType: 'page', details: String(e) }); }
        });
        hls.loadSource(base + 'index.m3u8');
        hls.attachMedia(v);
        setTimeout(() => report({ ok: false, errorType: 'timeout', details: 'timed out in the page' }), 60000);
        </script>
        """;
}
