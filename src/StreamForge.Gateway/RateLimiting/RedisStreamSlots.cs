using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace StreamForge.Gateway.RateLimiting;

/// <summary>
/// A client's streams in flight counted in Redis, shared by every instance (<c>MaxConcurrentStreams</c> with
/// <c>Distributed</c>). Our own rather than RedisRateLimiting's concurrency limiter: that one forgets a permit 60 s after
/// it was taken (a fixed bound in its script for permits an instance never returned), so a two-minute download
/// stopped counting half-way. Here each permit is a member of the partition's sorted set scored with its expiry (by
/// Redis's clock, so instances' clocks do not matter), and <see cref="RedisLeaseKeeper"/> pushes the expiry of the
/// permits still held back every few seconds: a permit lasts as long as its stream, and one whose instance died is
/// gone within <see cref="RedisLeaseKeeper.LeaseLifetime"/>.
/// </summary>
internal sealed class RedisStreamSlots(RedisConnection redis, RedisLeaseKeeper keeper, string partitionKey, int limit) : RateLimiter
{
    /// <summary>Drops expired permits, then takes one if fewer than the limit are held; the key itself expires with its last permit.</summary>
    private static readonly LuaScript Acquire = LuaScript.Prepare(
        """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        redis.call('ZREMRANGEBYSCORE', @key, '-inf', now)
        if redis.call('ZCARD', @key) >= tonumber(@limit) then
          return 0
        end
        redis.call('ZADD', @key, now + tonumber(@lifetime), @id)
        redis.call('PEXPIRE', @key, tonumber(@lifetime))
        return 1
        """);

    private readonly RedisKey _key = "streamforge:streams:" + partitionKey;
    private long _idleSince = Environment.TickCount64;
    private int _held;

    public override TimeSpan? IdleDuration =>
        Volatile.Read(ref _held) > 0 ? null : TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _idleSince));

    public override RateLimiterStatistics? GetStatistics() => null;

    /// <summary>Redis cannot answer synchronously: refused here, the rate limiting middleware then asks <see cref="AcquireAsyncCore"/>.</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.Refused;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        long taken;
        try
        {
            taken = (long)await redis.Multiplexer.GetDatabase().ScriptEvaluateAsync(Acquire, new
            {
                key = _key,
                limit,
                lifetime = (long)RedisLeaseKeeper.LeaseLifetime.TotalMilliseconds,
                id,
            });
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // A script that timed out here may still run when Redis answers again, taking a permit nobody holds (30 s of
            // false refusals): the removal queued behind it on the same connection runs after it.
            keeper.Remove(_key, id);
            throw;
        }

        if (taken != 1)
        {
            return Lease.Refused;
        }

        Interlocked.Increment(ref _held);
        keeper.Hold(_key, id);
        return new Lease(this, id);
    }

    private void Release(string id)
    {
        keeper.Release(_key, id);
        if (Interlocked.Decrement(ref _held) == 0)
        {
            Volatile.Write(ref _idleSince, Environment.TickCount64);
        }
    }

    private sealed class Lease(RedisStreamSlots? slots, string? id) : RateLimitLease
    {
        public static readonly Lease Refused = new(null, null);

        private int _released;

        public override bool IsAcquired => slots is not null;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && slots is not null && Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release(id!);
            }

            base.Dispose(disposing);
        }
    }
}
