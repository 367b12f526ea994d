using System.Globalization;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Clients;

/// <summary>Real players and downloaders against an S3 route: ffprobe, ffmpeg seeking, aria2c, curl resume.</summary>
[Collection(S3Collection.Name)]
public sealed class PlayerClientTests(S3ServerFixture s3, MediaFixture media) : IClassFixture<MediaFixture>, IAsyncLifetime
{
    private readonly MediaFixture _media = media;
    private GatewayHost _gateway = null!;
    private readonly TempFolder _downloads = new("downloads");

    public static TheoryData<string> Layouts => new() { "fast.mp4", "slow.mp4" };

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task Ffprobe_reads_the_duration(string name)
    {
        var (code, output) = await CommandLine.RunAsync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", Url(name)]);

        Assert.True(code == 0, output);
        Assert.Equal(MediaFixture.DurationSeconds, double.Parse(output.Trim(), CultureInfo.InvariantCulture), precision: 1);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task Ffmpeg_seeks_to_10_seconds_and_decodes_a_frame(string name)
    {
        var frame = _downloads.Combine($"frame-{name}.png");

        var (code, output) = await CommandLine.RunAsync("ffmpeg", ["-v", "error", "-y", "-ss", "10", "-i", Url(name), "-frames:v", "1", frame]);

        Assert.True(code == 0, output);
        Assert.True(new FileInfo(frame).Length > 1000, "ffmpeg wrote no frame");
    }

    [Fact]
    public async Task Aria2c_downloads_with_four_parallel_ranges()
    {
        var (code, output) = await CommandLine.RunAsync("aria2c",
            ["-x4", "-s4", "-k1M", "--min-split-size=1M", "--allow-overwrite=true", "--auto-file-renaming=false",
             "--console-log-level=warn", "-d", _downloads.Path, "-o", "aria.mp4", Url("slow.mp4")]);

        Assert.True(code == 0, output);
        Assert.Equal(TestData.Sha256OfFile(_media.PathOf("slow.mp4")), TestData.Sha256OfFile(_downloads.Combine("aria.mp4")));
    }

    [Fact]
    public async Task Curl_resumes_a_partial_download()
    {
        var target = _downloads.Combine("resumed.mp4");
        var (code, output) = await CommandLine.RunAsync("curl", ["-sS", "-f", "-r", "0-999999", "-o", target, Url("fast.mp4")]);
        Assert.True(code == 0, output);
        Assert.Equal(1_000_000, new FileInfo(target).Length);

        (code, output) = await CommandLine.RunAsync("curl", ["-sS", "-f", "-C", "-", "-o", target, Url("fast.mp4")]);

        Assert.True(code == 0, output);
        Assert.Equal(TestData.Sha256OfFile(_media.PathOf("fast.mp4")), TestData.Sha256OfFile(target));
    }

    private string Url(string name) => new Uri(_gateway.Address, "/videos/" + name).ToString();

    public async Task InitializeAsync()
    {
        foreach (var name in new[] { "fast.mp4", "slow.mp4" })
        {
            await s3.PutFileAsync("players/" + name, _media.PathOf(name));
        }

        _gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/players/")
            .Route("videos", "/videos/{**key}", "bucket", policy: "video")
            .Set("StreamForge:StreamPolicies:video:Range:SliceSize", "1MiB"));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _downloads.Dispose();
    }
}
