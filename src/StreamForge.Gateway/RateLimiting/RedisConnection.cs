using StackExchange.Redis;

namespace StreamForge.Gateway.RateLimiting;

/// <summary>The one Redis connection shared by distributed policies, opened on first use.</summary>
internal sealed class RedisConnection(string? configuration) : IDisposable
{
    private readonly Lazy<IConnectionMultiplexer> _connection = new(() => Connect(configuration));

    public IConnectionMultiplexer Multiplexer => _connection.Value;

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
