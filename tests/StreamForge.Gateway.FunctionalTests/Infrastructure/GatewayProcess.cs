using System.Text.Json;
using StreamForge.Gateway.Hosting;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// The built gateway as a child process (<c>dotnet StreamForge.Gateway.dll --config file</c>), for tests that
/// must crash it: an in-process host cannot be killed without killing the test run.
/// </summary>
internal sealed class GatewayProcess : IDisposable
{
    private readonly ExternalProcess _process;

    private GatewayProcess(ExternalProcess process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Writes <paramref name="config"/> to a JSON file in <paramref name="workingDirectory"/> and starts a gateway on it.</summary>
    /// <param name="environment">Variables for the gateway process (e.g. TMPDIR, for temp folders of its own).</param>
    public static async Task<GatewayProcess> StartAsync(GatewayConfig config, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort.Next();
        var configFile = Path.Combine(workingDirectory, $"gateway-{port}.json");
        // Flat keys ("ReverseProxy:Routes:r:ClusterId") are valid JSON configuration keys as they are. Nobody reads
        // the child's stdout, so it logs warnings only and cannot fill the pipe and block.
        var values = new Dictionary<string, string?>(config.Build()) { ["Logging:LogLevel:Default"] = "Warning" };
        await File.WriteAllTextAsync(configFile, JsonSerializer.Serialize(values));

        var gatewayDll = typeof(GatewayApplication).Assembly.Location;
        var process = new ExternalProcess("dotnet", [gatewayDll, "--config", configFile, "--Urls", $"http://127.0.0.1:{port}"], workingDirectory, environment);
        var gateway = new GatewayProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        await Eventually.TrueAsync(
            () => process.HasExited ? throw new InvalidOperationException($"the gateway exited: {process.StandardError}") : FreePort.Accepts(port),
            "the gateway process accepts connections");
        return gateway;
    }

    /// <summary><c>kill -9</c>: no shutdown code, no finally blocks, no temp file clean-up.</summary>
    public void Kill() => _process.Kill();

    public void Dispose() => _process.Dispose();
}
