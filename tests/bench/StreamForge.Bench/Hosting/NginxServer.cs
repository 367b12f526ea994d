namespace StreamForge.Bench.Hosting;

/// <summary>Debian's nginx with a configuration of its own, in its own folder, on a loopback port.</summary>
internal static class NginxServer
{
    public static string Executable => File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";

    public static async Task<ChildProcess> StartAsync(string name, string prefix, Func<string, string> configFor, int port, string logDir)
    {
        Directory.CreateDirectory(prefix);
        var config = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(config, configFor(prefix));
        var process = ChildProcess.Start(name, Executable, ["-c", config, "-p", prefix], Path.Combine(logDir, $"{name}.log"));
        await Readiness.WaitForHttpAsync(process, new Uri($"http://127.0.0.1:{port}/"), TimeSpan.FromSeconds(20));
        return process;
    }
}
