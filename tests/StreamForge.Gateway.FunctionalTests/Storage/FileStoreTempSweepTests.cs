using System.Net.Sockets;
using System.Text;
using StreamForge.Gateway.FunctionalTests.Infrastructure;
using StreamForge.Gateway.Storage.FileSystem;

namespace StreamForge.Gateway.FunctionalTests.Storage;

/// <summary>Temp files of uploads that a crash interrupted are swept (file stores' and pipe stages'); those a live writer holds are not.</summary>
public sealed class FileStoreTempSweepTests : IDisposable
{
    private readonly TempFolder _folder = new("tempsweep");

    private string Root => _folder.Combine("root");

    private string TempFolder => Path.Combine(Root, FileStorePaths.TempFolderName);

    [Fact]
    public async Task A_temp_file_left_by_a_killed_gateway_is_removed_when_a_gateway_starts_on_the_folder()
    {
        Directory.CreateDirectory(Root);
        var config = new GatewayConfig()
            .Cluster("files", $"file://{Root}/")
            .Route("files", "/files/{**key}", "files", writeAccess: "Loopback");

        string tempFile;
        using (var first = await GatewayProcess.StartAsync(config, _folder.Path))
        {
            // Promise 1 MiB, send 64 KiB, and hold the connection open: the upload is in flight when the gateway dies.
            using var client = new TcpClient();
            await client.ConnectAsync(first.Address.Host, first.Address.Port);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("PUT /files/crashed.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n"));
            await stream.WriteAsync(new byte[64 * 1024]);
            await Eventually.TrueAsync(() => TempFiles().Length == 1, "the upload's temp file appears");
            tempFile = TempFiles().Single();

            first.Kill();
        }

        Assert.True(File.Exists(tempFile), "kill -9 leaves the temp file behind (the crash this test reproduces)");

        using var second = await GatewayProcess.StartAsync(config, _folder.Path);
        await Eventually.TrueAsync(() => !File.Exists(tempFile), "the restarted gateway sweeps the stale temp file", timeoutSeconds: 30);
        Assert.False(File.Exists(Path.Combine(Root, "crashed.bin")), "the interrupted upload must not be stored");
    }

    [Fact]
    public async Task A_temp_file_held_by_a_live_writer_survives_the_sweep()
    {
        Directory.CreateDirectory(TempFolder);
        var abandoned = Path.Combine(TempFolder, "abandoned");
        File.WriteAllBytes(abandoned, new byte[1000]);
        var held = Path.Combine(TempFolder, "held");
        // What an upload in flight in another gateway on this folder does: FileShare.None (an exclusive flock on Linux).
        await using var writer = new FileStream(held, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        writer.Write(new byte[1000]);
        writer.Flush();

        await using var gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("files", $"file://{Root}/")
            .Route("files", "/files/{**key}", "files"));

        // One sweep looks at both files: once the abandoned one is gone, the held one has been passed over.
        await Eventually.TrueAsync(() => !File.Exists(abandoned), "the start-up sweep removes the abandoned temp file", timeoutSeconds: 30);
        Assert.True(File.Exists(held), "a temp file that a live writer holds must not be swept");
        writer.Write(new byte[1000]);
        writer.Flush();
        Assert.Equal(2000, new FileInfo(held).Length);
    }

    [Fact]
    public async Task A_pipe_stage_spill_survives_a_live_gateways_sweep_and_goes_with_the_next_start_after_a_kill()
    {
        Directory.CreateDirectory(Root);
        // TMPDIR of their own: the spill folder is $TMPDIR/streamforge-pipe, shared by the gateways of a machine.
        var tmp = Directory.CreateDirectory(_folder.Combine("tmp")).FullName;
        var environment = new Dictionary<string, string> { ["TMPDIR"] = tmp };
        var spillFolder = Path.Combine(tmp, "streamforge-pipe");
        var config = new GatewayConfig()
            .Cluster("files", $"file://{Root}/")
            .Route("piped", "/piped/{**key}", "files", policy: "piped", writeAccess: "Loopback")
            .Set("StreamForge:StreamPolicies:piped:Upload:Pipe:Command", "cat")
            .Set("StreamForge:StreamPolicies:piped:Upload:Pipe:Arguments:0", "{input}");

        string spill;
        using (var first = await GatewayProcess.StartAsync(config, _folder.Path, environment))
        {
            // Promise 1 MiB, send 64 KiB, and hold the connection open: the body is being spilled for the process.
            using var client = new TcpClient();
            await client.ConnectAsync(first.Address.Host, first.Address.Port);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("PUT /piped/crashed.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n"));
            await stream.WriteAsync(new byte[64 * 1024]);
            await Eventually.TrueAsync(() => FilesIn(spillFolder).Length == 1, "the upload's spill file appears");
            spill = FilesIn(spillFolder).Single();

            // Another gateway starting on the same TMPDIR sweeps it: the spill is held, so it stays.
            var abandoned = Path.Combine(spillFolder, "abandoned");
            await File.WriteAllBytesAsync(abandoned, new byte[1000]);
            using (await GatewayProcess.StartAsync(config, _folder.Path, environment))
            {
                await Eventually.TrueAsync(() => !File.Exists(abandoned), "the second gateway's start-up sweep runs", timeoutSeconds: 30);
            }

            Assert.True(File.Exists(spill), "a spill that a live pipe stage holds must not be swept");
            first.Kill();
        }

        Assert.True(File.Exists(spill), "kill -9 leaves the spill file behind (the crash this test reproduces)");
        using var third = await GatewayProcess.StartAsync(config, _folder.Path, environment);
        await Eventually.TrueAsync(() => !File.Exists(spill), "the next gateway to start sweeps the abandoned spill", timeoutSeconds: 30);
    }

    private static string[] FilesIn(string folder) => Directory.Exists(folder) ? Directory.GetFiles(folder) : [];

    private string[] TempFiles() => FilesIn(TempFolder);

    public void Dispose() => _folder.Dispose();
}
