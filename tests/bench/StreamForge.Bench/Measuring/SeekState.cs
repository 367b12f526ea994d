using System.Net;
using StreamForge.Bench.Hosting;

namespace StreamForge.Bench.Measuring;

/// <summary>One contender's seek client (one keep-alive connection) and what it has measured so far.</summary>
internal sealed class SeekState(Contender contender)
{
    public Contender Contender { get; } = contender;

    public HttpClient Client { get; } = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
    });

    public byte[] Buffer { get; } = new byte[1 << 20];

    public List<double> Latencies { get; } = [];

    public string? Unsupported { get; set; }

    public string? Error { get; set; }
}
