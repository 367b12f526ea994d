using System.Net;
using System.Net.Http.Json;
using StreamForge.Gateway.FunctionalTests.Infrastructure;
using StreamForge.Gateway.Storage.FileSystem;

namespace StreamForge.Gateway.FunctionalTests.Storage;

/// <summary>A file store whose disk fills up mid-upload answers 507, not a 400 that blames the client.</summary>
public sealed class FileStoreDiskFullTests
{
    [TmpfsFact]
    public async Task An_upload_that_fills_the_disk_is_507_insufficient_storage_and_the_old_version_stays()
    {
        using var folder = new TempFolder("diskfull");
        using var disk = await TmpfsMount.MountAsync(folder.Combine("store"), "2m");
        await using var gateway = await GatewayHost.StartAsync(new GatewayConfig()
            .Cluster("files", $"file://{disk.Path}/")
            .Route("files", "/files/{**key}", "files", writeAccess: "Loopback"));

        var original = new byte[TestData.MiB];
        new Random(7).NextBytes(original);
        using (var first = await gateway.Client.PutAsync("/files/video.bin", new ByteArrayContent(original)))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        // 1 MiB stored plus a 4 MiB temp file cannot fit in 2 MiB: the write hits ENOSPC part way.
        using var full = await gateway.Client.PutAsync("/files/video.bin", new ByteArrayContent(new byte[4 * TestData.MiB]));

        Assert.Equal(HttpStatusCode.InsufficientStorage, full.StatusCode);
        Assert.Equal("application/problem+json", full.Content.Headers.ContentType?.MediaType);
        var problem = await full.Content.ReadFromJsonAsync<ProblemBody>();
        Assert.Equal(("insufficient_storage", 507), (problem!.Code, problem.Status));
        Assert.Equal(original, await gateway.Client.GetByteArrayAsync("/files/video.bin"));
        var temp = Path.Combine(disk.Path, FileStorePaths.TempFolderName);
        Assert.Empty(Directory.Exists(temp) ? Directory.GetFileSystemEntries(temp) : []);
    }
}
