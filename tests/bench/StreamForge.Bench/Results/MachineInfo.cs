using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StreamForge.Bench.Hosting;

namespace StreamForge.Bench.Results;

/// <summary>What the report's first table says about the machine and the software measured.</summary>
internal sealed record MachineInfo(IReadOnlyList<(string Name, string Value)> Facts)
{
    public static MachineInfo Collect(BenchPaths paths) => new(
    [
        ("date (UTC)", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm")),
        ("CPU", $"{Environment.ProcessorCount} cores, {CpuModel()}"),
        ("memory", MemTotal()),
        ("kernel", ReadTrimmed("/proc/sys/kernel/osrelease")),
        ("OS", OsName()),
        ("load average at start", ReadTrimmed("/proc/loadavg")),
        (".NET", $"{RuntimeInformation.FrameworkDescription}, SDK {Run("dotnet", ["--version"], paths.RepoRoot)}"),
        ("gateway GC", GcMode(paths.GatewayDll)),
        ("Yarp.ReverseProxy", YarpVersion(paths.RepoRoot)),
        ("nginx", Run(NginxServer.Executable, ["-v"]).Replace("nginx version: ", string.Empty)),
        ("wrk", Run("wrk", ["-v"]).Split('\n')[0].Split(" Copyright")[0].Trim()),
        ("Node.js / s3rver", $"{Run("node", ["--version"])} / s3rver {S3rverVersion(paths.RepoRoot)}"),
        ("gateway commit", Commit(paths.RepoRoot)),
    ]);

    private static string CpuModel()
    {
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "unknown model" : line.Split(':', 2)[1].Trim();
    }

    private static string MemTotal()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kib = long.Parse(Regex.Match(line, @"\d+").Value);
        return $"{kib / 1024.0 / 1024.0:0.0} GiB";
    }

    private static string OsName()
    {
        var line = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
            : null;
        return line?.Split('=', 2)[1].Trim('"') ?? RuntimeInformation.OSDescription;
    }

    private static string GcMode(string dll)
    {
        var config = Path.ChangeExtension(dll, ".runtimeconfig.json");
        if (!File.Exists(config))
        {
            return "unknown";
        }

        var server = JsonNode.Parse(File.ReadAllText(config))?["runtimeOptions"]?["configProperties"]?["System.GC.Server"]?.GetValue<bool>();
        return server == true ? "Server GC (ASP.NET Core default), bare YARP alike" : "Workstation GC";
    }

    private static string YarpVersion(string repo)
    {
        var props = Path.Combine(repo, "Directory.Packages.props");
        var match = File.Exists(props) ? Regex.Match(File.ReadAllText(props), "\"Yarp.ReverseProxy\" Version=\"([^\"]+)\"") : Match.Empty;
        return match.Success ? $"{match.Groups[1].Value} (gateway and bare YARP)" : "unknown";
    }

    private static string S3rverVersion(string repo)
    {
        var package = Path.Combine(repo, "tests/tools/s3server/node_modules/s3rver/package.json");
        return File.Exists(package) ? JsonNode.Parse(File.ReadAllText(package))?["version"]?.GetValue<string>() ?? "?" : "?";
    }

    private static string Commit(string repo)
    {
        var commit = Run("git", ["-C", repo, "rev-parse", "--short", "HEAD"]);
        // Results are written during the run; only changes elsewhere mean the measured code is not the commit.
        var dirty = Run("git", ["-C", repo, "status", "--porcelain", "--", ".", ":!tests/bench/results"]);
        return string.IsNullOrWhiteSpace(dirty) ? commit : $"{commit} (with uncommitted changes)";
    }

    private static string ReadTrimmed(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : "unknown";

    /// <summary>A command's output (stdout, else stderr: nginx -v prints there), or "not found".</summary>
    private static string Run(string file, string[] args, string? workingDirectory = null)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (workingDirectory is not null)
            {
                start.WorkingDirectory = workingDirectory;
            }

            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit(10_000);
            var text = stdout.Result.Trim();
            return text.Length > 0 ? text : stderr.Result.Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not found";
        }
    }
}
