namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>A small tmpfs mounted on a folder (a disk that fills up for real); unmounted on dispose. Needs root on Linux.</summary>
internal sealed class TmpfsMount : IDisposable
{
    private static readonly Lazy<string?> Problem = new(Probe);

    private TmpfsMount(string path) => Path = path;

    /// <summary>Why a tmpfs cannot be mounted here, or null when it can (probed once, by mounting one).</summary>
    public static string? Unavailable => Problem.Value;

    public string Path { get; }

    public static async Task<TmpfsMount> MountAsync(string path, string size)
    {
        Directory.CreateDirectory(path);
        var (exitCode, output) = await CommandLine.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={size}", "tmpfs", path]);
        Assert.True(exitCode == 0, $"mount -t tmpfs failed ({exitCode}): {output}");
        return new TmpfsMount(path);
    }

    public void Dispose() => Unmount(Path);

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "tmpfs mounts need Linux";
        }

        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "streamforge-tests", "tmpfs-probe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        try
        {
            var (exitCode, output) = CommandLine.RunAsync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", path]).GetAwaiter().GetResult();
            if (exitCode != 0)
            {
                return $"mount -t tmpfs is not permitted here (exit {exitCode}: {output.Trim()}); run the tests as root";
            }

            Unmount(path);
            return null;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"cannot run mount: {ex.Message}";
        }
        finally
        {
            Directory.Delete(path);
        }
    }

    private static void Unmount(string path)
    {
        var (exitCode, output) = CommandLine.RunAsync("umount", [path]).GetAwaiter().GetResult();
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"umount {path} failed ({exitCode}): {output}");
        }
    }
}
