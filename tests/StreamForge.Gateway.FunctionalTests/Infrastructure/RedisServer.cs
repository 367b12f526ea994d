namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>Debian's redis-server on a loopback port, in memory only, for distributed rate limits.</summary>
internal sealed class RedisServer : IDisposable
{
    private readonly ExternalProcess _process;

    private RedisServer(int port)
    {
        Port = port;
        _process = new ExternalProcess(File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server",
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
    }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort.Next());
        await Eventually.TrueAsync(() => FreePort.Accepts(server.Port), $"redis-server listening on {server.Port}");
        return server;
    }

    public void Dispose() => _process.Dispose();
}
