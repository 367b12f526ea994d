namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>Locates files of this repository from the test's output folder.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string S3ServerLauncher => Path.Combine(Root, "tests", "tools", "s3server", "start.js");

    /// <summary>hls.js as installed (pinned) by tests/tools/ensure-installed.sh.</summary>
    public static string HlsJs => Path.Combine(Root, "tests", "tools", "players", "node_modules", "hls.js", "dist", "hls.min.js");

    /// <summary>The tus-js-client driver (tests/tools/tus/upload.js), its package pinned by tests/tools/ensure-installed.sh.</summary>
    public static string TusUploadScript => Path.Combine(Root, "tests", "tools", "tus", "upload.js");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StreamForge.Gateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("StreamForge.Gateway.sln not found above " + AppContext.BaseDirectory);
    }
}
