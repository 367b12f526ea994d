using System.Collections.Concurrent;
using StackExchange.Redis;
using StreamForge.Gateway.Diagnostics;

namespace StreamForge.Gateway.RateLimiting;

/// <summary>
/// Keeps this instance's stream permits in Redis alive (<see cref="RedisStreamSlots"/>): every
/// <see cref="RenewEvery"/> each held permit's expiry is moved to <see cref="LeaseLifetime"/> from now, and a returned
/// permit is removed at once. One timer for all partitions; with no permits held it does nothing.
/// </summary>
internal sealed class RedisLeaseKeeper : IDisposable
{
    /// <summary>How long a permit outlives its last renewal: the longest a dead instance's streams still count.</summary>
    public static readonly TimeSpan LeaseLifetime = TimeSpan.FromSeconds(30);

    /// <summary>A third of the lifetime: two renewals may be missed (a Redis blip) before a live permit expires.</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Moves a permit's expiry, and puts it back if Redis lost it (a restart, a pause longer than its lifetime): its stream
    /// still runs, so it still counts. A renewal that races with the permit's release is undone after it (RenewAllAsync).
    /// </summary>
    private static readonly LuaScript Renew = LuaScript.Prepare(
        """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        redis.call('ZADD', @key, now + tonumber(@lifetime), @id)
        redis.call('PEXPIRE', @key, tonumber(@lifetime))
        return 1
        """);

    private readonly ConcurrentDictionary<(RedisKey Key, string Id), byte> _held = new();
    private readonly RedisConnection _redis;
    private readonly ILogger<RedisLeaseKeeper> _logger;
    private readonly Timer _timer;
    private int _renewing;

    public RedisLeaseKeeper(RedisConnection redis, ILogger<RedisLeaseKeeper> logger)
    {
        _redis = redis;
        _logger = logger;
        _timer = new Timer(_ => _ = RenewAllAsync(), null, RenewEvery, RenewEvery);
    }

    public void Hold(RedisKey key, string id) => _held[(key, id)] = 0;

    public void Release(RedisKey key, string id)
    {
        _held.TryRemove((key, id), out _);
        Remove(key, id);
    }

    /// <summary>Removes a permit this instance no longer holds, or never learnt it took (an acquire whose answer timed out).</summary>
    public void Remove(RedisKey key, string id)
    {
        try
        {
            // Fire and forget: a removal that fails (Redis down) leaves the permit to expire within LeaseLifetime.
            _redis.Multiplexer.GetDatabase().SortedSetRemove(key, id, CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            GatewayLog.RedisLeasesNotRenewed(_logger, 1, ex);
        }
    }

    public void Dispose() => _timer.Dispose();

    private async Task RenewAllAsync()
    {
        if (_held.IsEmpty || Interlocked.Exchange(ref _renewing, 1) == 1)
        {
            return;
        }

        try
        {
            var database = _redis.Multiplexer.GetDatabase();
            var lifetime = (long)LeaseLifetime.TotalMilliseconds;
            var renewed = _held.Keys.ToList();
            await Task.WhenAll(renewed.Select(held => database.ScriptEvaluateAsync(Renew, new { key = held.Key, id = held.Id, lifetime })));

            // A stream that ended while its renewal was on the way: the renewal must not leave its permit behind.
            foreach (var (key, id) in renewed.Where(held => !_held.ContainsKey(held)))
            {
                Remove(key, id);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            GatewayLog.RedisLeasesNotRenewed(_logger, _held.Count, ex);
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }
}
