using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Amazon.S3.Model;
using StreamForge.Gateway.FunctionalTests.Clients;
using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Uploads;

/// <summary>Uploads piped through ffmpeg before storage: a non-faststart MP4 becomes progressively playable.</summary>
[Collection(S3Collection.Name)]
public sealed class PipeStageTests(S3ServerFixture s3, MediaFixture media) : IClassFixture<MediaFixture>, IAsyncLifetime
{
    private static readonly string[] Remux = ["-v", "error", "-i", "{input}", "-c", "copy", "-movflags", "frag_keyframe+empty_moov", "-f", "mp4", "pipe:1"];

    private readonly TempFolder _folder = new("pipe");
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        var config = new GatewayConfig()
            .S3(s3.ServiceUrl)
            .Cluster("bucket", "s3://media/piped/")
            .Route("remux", "/remux/{**key}", "bucket", policy: "remux", writeAccess: "Anonymous")
            .Route("remux-stdin", "/remux-stdin/{**key}", "bucket", policy: "remux-stdin", writeAccess: "Anonymous")
            .Set("StreamForge:StreamPolicies:remux:Upload:Pipe:Command", "ffmpeg")
            .Set("StreamForge:StreamPolicies:remux:Upload:Pipe:ContentType", "video/mp4")
            .Set("StreamForge:StreamPolicies:remux-stdin:Upload:Pipe:Command", "ffmpeg")
            .Set("StreamForge:StreamPolicies:remux-stdin:Upload:Pipe:Input", "Stdin");
        for (var i = 0; i < Remux.Length; i++)
        {
            config.Set($"StreamForge:StreamPolicies:remux:Upload:Pipe:Arguments:{i}", Remux[i]);
            config.Set($"StreamForge:StreamPolicies:remux-stdin:Upload:Pipe:Arguments:{i}", Remux[i].Replace("{input}", "pipe:0", StringComparison.Ordinal));
        }

        _gateway = await GatewayHost.StartAsync(config);
    }

    [Theory]
    [InlineData("/remux/", "slow.mp4")]
    [InlineData("/remux-stdin/", "fast.mp4")]
    public async Task A_remuxed_upload_is_stored_with_its_moov_first_and_the_same_duration(string route, string source)
    {
        var key = $"out-{route.Trim('/')}-{source}";
        await using (var body = File.OpenRead(media.PathOf(source)))
        {
            using var response = await _gateway.Client.PutAsync(route + key, new StreamContent(body));
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        var stored = _folder.Combine(key);
        using (var get = await s3.Client.GetObjectAsync(new GetObjectRequest { BucketName = S3ServerFixture.Bucket, Key = "piped/" + key }))
        {
            Assert.Equal("video/mp4", get.Headers.ContentType);
            await get.WriteResponseStreamToFileAsync(stored, append: false, CancellationToken.None);
        }

        var bytes = File.ReadAllBytes(stored);
        var moov = bytes.AsSpan().IndexOf("moov"u8);
        var mdat = bytes.AsSpan().IndexOf("mdat"u8);
        Assert.True(moov >= 0 && mdat > moov, $"moov at {moov}, mdat at {mdat}");
        var (code, output) = await CommandLine.RunAsync("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", stored]);
        Assert.True(code == 0, output);
        Assert.Equal(MediaFixture.DurationSeconds, double.Parse(output.Trim(), CultureInfo.InvariantCulture), precision: 0);
    }

    [Fact]
    public async Task A_process_that_fails_stores_nothing_and_says_why()
    {
        using var response = await _gateway.Client.PutAsync("/remux/garbage.mp4", new ByteArrayContent(new byte[200_000]));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("pipe_failed", (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code);
        Assert.False(await s3.ExistsAsync("piped/garbage.mp4"));
        Assert.Empty(await s3.OpenUploadsAsync("piped/garbage.mp4"));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _folder.Dispose();
    }
}
