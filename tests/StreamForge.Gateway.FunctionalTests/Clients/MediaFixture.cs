using StreamForge.Gateway.FunctionalTests.Infrastructure;

namespace StreamForge.Gateway.FunctionalTests.Clients;

/// <summary>
/// Test media made by ffmpeg: a 20 s H.264/AAC MP4 in both layouts. "slow.mp4" keeps its moov atom at the end
/// (players must seek there first), "fast.mp4" is the same file with the moov moved to the front.
/// </summary>
public sealed class MediaFixture : IAsyncLifetime
{
    public const double DurationSeconds = 20;

    private readonly TempFolder _folder = new("media");

    public string Folder => _folder.Path;

    public string PathOf(string name) => _folder.Combine(name);

    public async Task InitializeAsync()
    {
        var (code, output) = await CommandLine.RunAsync("ffmpeg",
        [
            "-v", "error", "-f", "lavfi", "-i", "testsrc2=duration=20:size=640x360:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=20",
            "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "1500k", "-pix_fmt", "yuv420p", "-g", "50",
            "-c:a", "aac", "-shortest", "slow.mp4",
        ], Folder);
        Assert.True(code == 0, output);
        (code, output) = await CommandLine.RunAsync("ffmpeg", ["-v", "error", "-i", "slow.mp4", "-c", "copy", "-movflags", "+faststart", "fast.mp4"], Folder);
        Assert.True(code == 0, output);
    }

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
