using StackExchange.Redis;

namespace StreamForge.Gateway.RateLimiting;

/// <summary>The one Redis connection shared by distributed policies, opened on first use.</summary>
internal sealed class RedisConnection(string? configuration) : IDisposable
{
    private readonly Lazy<IConnectionMultiplexer> _connection = new(() => Connect(configuration));

    /// <summary>When each policy's last outage line was logged (Environment.TickCount64).</summary>
    private readonly Dictionary<string, long> _outageReportedAt = new(StringComparer.Ordinal);

    private readonly Lock _reporting = new();

    public IConnectionMultiplexer Multiplexer => _connection.Value;

    /// <summary>
    /// Whether the connection is down now (the multiplexer reconnects in the background). Asked before each limiter call:
    /// while Redis is away, waiting out a command timeout on every request added a second or more to each one.
    /// </summary>
    public bool IsDown => !Multiplexer.IsConnected;

    /// <summary>
    /// True at most once per <paramref name="interval"/> for each policy: an outage is logged, not every request during
    /// it, and each policy's line says how it fails (a fail-closed policy's refusals were hidden behind a fail-open one's).
    /// </summary>
    public bool ShouldReport(string policy, TimeSpan interval) => ShouldReport(policy, interval, Environment.TickCount64);

    internal bool ShouldReport(string policy, TimeSpan interval, long now)
    {
        lock (_reporting)
        {
            if (_outageReportedAt.TryGetValue(policy, out var last) && now - last < (long)interval.TotalMilliseconds)
            {
                return false;
            }

            _outageReportedAt[policy] = now;
            return true;
        }
    }

    private static ConnectionMultiplexer Connect(string? configuration)
    {
        var options = ConfigurationOptions.Parse(configuration ?? throw new InvalidOperationException("StreamForge:Redis:Configuration is not set"));
        // Start even when Redis is down, and fail fast while it is: a limiter waiting 5 s per request is an outage too.
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 1000;
        options.AsyncTimeout = 1000;
        options.SyncTimeout = 1000;
        return ConnectionMultiplexer.Connect(options);
    }

    public void Dispose()
    {
        if (_connection.IsValueCreated)
        {
            _connection.Value.Dispose();
        }
    }
}
