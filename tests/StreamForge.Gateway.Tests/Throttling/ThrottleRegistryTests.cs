using Microsoft.Extensions.Time.Testing;
using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Tests.Throttling;

public sealed class ThrottleRegistryTests
{
    private static readonly ThrottlePolicy PerClient = new(null, 1000, 0, 1000, null);
    private static readonly ThrottlePolicy PerRoute = new(null, 1000, 0, null, 1000);

    private readonly FakeTimeProvider _time = new();
    private readonly ThrottleRegistry _registry;

    public ThrottleRegistryTests() => _registry = new ThrottleRegistry(_time);

    private static bool Immediate(StreamThrottle throttle, int bytes) =>
        throttle.WaitAsync(bytes, CancellationToken.None).IsCompletedSuccessfully;

    [Fact]
    public async Task Streams_of_one_client_on_one_route_share_its_bucket()
    {
        using var first = _registry.Acquire("videos", "10.0.0.1", PerClient);
        using var second = _registry.Acquire("videos", "10.0.0.1", PerClient);

        Assert.True(Immediate(first, 1000));
        var wait = second.WaitAsync(1000, CancellationToken.None).AsTask();
        Assert.False(wait.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(1), await wait);
        Assert.Equal(1, _registry.SharedBucketCount);
    }

    [Fact]
    public void Other_clients_and_other_routes_have_their_own_client_buckets()
    {
        using var first = _registry.Acquire("videos", "10.0.0.1", PerClient);
        using var otherClient = _registry.Acquire("videos", "10.0.0.2", PerClient);
        using var otherRoute = _registry.Acquire("music", "10.0.0.1", PerClient);

        Assert.True(Immediate(first, 1000));
        Assert.True(Immediate(otherClient, 1000));
        Assert.True(Immediate(otherRoute, 1000));
        Assert.Equal(3, _registry.SharedBucketCount);
    }

    [Fact]
    public void The_route_bucket_is_shared_by_every_client_of_the_route()
    {
        using var first = _registry.Acquire("videos", "10.0.0.1", PerRoute);
        using var second = _registry.Acquire("videos", "10.0.0.2", PerRoute);
        using var otherRoute = _registry.Acquire("music", "10.0.0.2", PerRoute);

        Assert.True(Immediate(first, 1000));
        Assert.False(Immediate(second, 1000));
        Assert.True(Immediate(otherRoute, 1000));
    }

    [Fact]
    public void A_per_stream_limit_alone_gives_each_stream_its_own_bucket_and_keeps_nothing()
    {
        var policy = new ThrottlePolicy(1000, 1000, 0, null, null);
        using var first = _registry.Acquire("videos", "10.0.0.1", policy);
        using var second = _registry.Acquire("videos", "10.0.0.1", policy);

        Assert.True(Immediate(first, 1000));
        Assert.True(Immediate(second, 1000));
        Assert.False(Immediate(first, 1));
        Assert.Equal(0, _registry.SharedBucketCount);
    }

    [Fact]
    public void An_unlimited_policy_gets_the_shared_unlimited_throttle()
    {
        var throttle = _registry.Acquire("videos", "10.0.0.1", ThrottlePolicy.Unlimited);

        Assert.Same(StreamThrottle.Unlimited, throttle);
        Assert.Equal(0, _registry.SharedBucketCount);
    }

    [Fact]
    public void Every_bucket_holds_at_least_50_ms_of_its_rate_so_late_timers_can_catch_up()
    {
        using var throttle = _registry.Acquire("videos", "10.0.0.1", new ThrottlePolicy(20_000, 0, 0, null, null));

        Assert.True(Immediate(throttle, 1000));
        Assert.False(Immediate(throttle, 1));
    }

    [Fact]
    public void A_released_bucket_is_evicted_once_it_has_refilled()
    {
        var throttle = _registry.Acquire("videos", "10.0.0.1", PerClient);
        _ = throttle.WaitAsync(3000, CancellationToken.None).AsTask();
        throttle.Dispose();

        // 2000 bytes of debt then 1000 of burst to refill: 3 s.
        _registry.Sweep();
        Assert.Equal(1, _registry.SharedBucketCount);
        _time.Advance(TimeSpan.FromMilliseconds(2999));
        _registry.Sweep();
        Assert.Equal(1, _registry.SharedBucketCount);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _registry.Sweep();
        Assert.Equal(0, _registry.SharedBucketCount);
    }

    [Fact]
    public void A_bucket_that_is_released_full_is_evicted_at_once()
    {
        _registry.Acquire("videos", "10.0.0.1", PerClient).Dispose();

        Assert.Equal(0, _registry.SharedBucketCount);
    }

    [Fact]
    public void A_held_bucket_is_never_evicted_however_idle()
    {
        using var first = _registry.Acquire("videos", "10.0.0.1", PerClient);
        _time.Advance(TimeSpan.FromHours(1));
        _registry.Sweep();
        using var second = _registry.Acquire("videos", "10.0.0.1", PerClient);

        Assert.Equal(1, _registry.SharedBucketCount);
        Assert.True(Immediate(first, 1000));
        Assert.False(Immediate(second, 1000));
    }

    [Fact]
    public void A_client_that_reconnects_at_once_gets_no_fresh_burst()
    {
        // Players fetch segment after segment, and ffmpeg opens a connection per seek: the limit must hold across them.
        var first = _registry.Acquire("videos", "10.0.0.1", PerClient);
        Assert.True(Immediate(first, 1000));
        first.Dispose();

        using var second = _registry.Acquire("videos", "10.0.0.1", PerClient);

        Assert.False(Immediate(second, 1000));
    }

    [Fact]
    public void Disposing_a_throttle_twice_releases_its_buckets_once()
    {
        var first = _registry.Acquire("videos", "10.0.0.1", PerClient);
        var second = _registry.Acquire("videos", "10.0.0.1", PerClient);

        first.Dispose();
        first.Dispose();
        _time.Advance(TimeSpan.FromHours(1));
        _registry.Sweep();
        Assert.Equal(1, _registry.SharedBucketCount);

        second.Dispose();
        Assert.Equal(0, _registry.SharedBucketCount);
    }

    [Fact]
    public void A_changed_policy_gets_a_new_bucket_for_new_streams()
    {
        using var before = _registry.Acquire("videos", "10.0.0.1", PerClient);
        Assert.True(Immediate(before, 1000));

        using var after = _registry.Acquire("videos", "10.0.0.1", PerClient with { PerClientBytesPerSecond = 2000 });

        Assert.True(Immediate(after, 1000));
        Assert.Equal(1, _registry.SharedBucketCount);
    }

    [Fact]
    public void Memory_stays_bounded_as_distinct_clients_come_and_go()
    {
        for (var client = 0; client < 1000; client++)
        {
            using (var throttle = _registry.Acquire("videos", $"10.0.{client / 256}.{client % 256}", PerClient))
            {
                _ = throttle.WaitAsync(2000, CancellationToken.None).AsTask();
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // Each bucket refills 2 s after its stream; Acquire sweeps every 10 s: at most about 12 remain.
        Assert.InRange(_registry.SharedBucketCount, 1, 13);
    }

    [Fact]
    public void Parallel_acquire_and_release_leaves_nothing_behind()
    {
        var policy = new ThrottlePolicy(null, 1_000_000, 0, 1_000_000, 10_000_000);

        Parallel.For(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            using var throttle = _registry.Acquire("videos", $"client-{i % 50}", policy);
            _ = throttle.WaitAsync(1000, CancellationToken.None).AsTask();
        });

        _time.Advance(TimeSpan.FromHours(1));
        _registry.Sweep();
        Assert.Equal(0, _registry.SharedBucketCount);
    }
}
