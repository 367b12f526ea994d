namespace StreamForge.Bench.Hosting;

/// <summary>Starts an ASP.NET Core app from its Release build (<c>dotnet app.dll</c>) on a loopback port.</summary>
internal static class DotnetServer
{
    /// <summary>The gateway image's runtime setting (deploy/Dockerfile), given to every .NET contender alike; the shell's own value wins.</summary>
    public const string Gen0Budget = "DOTNET_GCgen0size";

    public static string Gen0BudgetValue { get; } = System.Environment.GetEnvironmentVariable(Gen0Budget) ?? "0x400000";

    /// <summary>The gateway image's glibc setting (deploy/Dockerfile), given to every .NET contender alike; the shell's own value wins.</summary>
    public const string MallocArenas = "MALLOC_ARENA_MAX";

    public static string MallocArenasValue { get; } = System.Environment.GetEnvironmentVariable(MallocArenas) ?? "1";

    /// <summary>
    /// The gateway's default (src/StreamForge.Gateway/Hosting/InlineIo.cs), given to every .NET contender alike; bare YARP
    /// and bare Kestrel set Kestrel's inline scheduling from it as the gateway does. The shell's own value wins.
    /// </summary>
    public const string InlineIo = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static string InlineIoValue { get; } = System.Environment.GetEnvironmentVariable(InlineIo) ?? "1";

    private static readonly Dictionary<string, string> Environment = new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_NOLOGO"] = "1",
        [Gen0Budget] = Gen0BudgetValue,
        [MallocArenas] = MallocArenasValue,
        [InlineIo] = InlineIoValue,
    };

    /// <param name="readyPath">A path that answers below 500 once the app is up.</param>
    /// <param name="workingDirectory">Content root: a folder of the bench's own, so no appsettings.json of the app's
    /// folder (e.g. the gateway's embedded default routes) mixes into the contender's configuration.</param>
    public static async Task<ChildProcess> StartAsync(string name, string dll, int port, IEnumerable<string> arguments,
        string readyPath, string workingDirectory, string logDir)
    {
        if (!File.Exists(dll))
        {
            throw new BenchException($"{dll} is missing: build it first (tests/bench/run.sh does)");
        }

        Directory.CreateDirectory(workingDirectory);
        string[] args = [dll, "--Urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default", "Warning", .. arguments];
        var process = ChildProcess.Start(name, "dotnet", args, Path.Combine(logDir, $"{name}.log"), workingDirectory, Environment);
        await Readiness.WaitForHttpAsync(process, new Uri($"http://127.0.0.1:{port}{readyPath}"), TimeSpan.FromSeconds(60));
        return process;
    }
}
