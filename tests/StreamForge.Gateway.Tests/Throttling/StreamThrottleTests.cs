using Microsoft.Extensions.Time.Testing;
using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Tests.Throttling;

public sealed class StreamThrottleTests
{
    private readonly FakeTimeProvider _time = new();

    private TokenBucket Bucket(long bytesPerSecond, long burst = 0) => new(bytesPerSecond, burst, _time);

    private StreamThrottle Throttle(TokenBucket? stream = null, long rateAfter = 0, TokenBucket? client = null, TokenBucket? route = null) =>
        new(_time, stream, rateAfter, client, route);

    /// <summary>The result of a wait that must have completed synchronously.</summary>
    private static TimeSpan Synchronous(ValueTask<TimeSpan> wait)
    {
        Assert.True(wait.IsCompletedSuccessfully);
        return wait.Result;
    }

    [Fact]
    public async Task A_wait_completes_when_the_clock_reaches_the_delay_and_reports_it()
    {
        using var throttle = Throttle(Bucket(1000));

        var wait = throttle.WaitAsync(1000, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(wait.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(TimeSpan.FromSeconds(1), await wait);
    }

    [Fact]
    public async Task A_sub_millisecond_wait_is_neither_rounded_away_nor_late()
    {
        // Task.Delay would truncate 100 us to 0 ms; at 50 MB/s most waits are that short.
        using var throttle = Throttle(Bucket(1_000_000));

        var wait = throttle.WaitAsync(100, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMicroseconds(99));
        Assert.False(wait.IsCompleted);
        _time.Advance(TimeSpan.FromMicroseconds(1));

        Assert.True(wait.IsCompleted);
        Assert.Equal(TimeSpan.FromMicroseconds(100), await wait);
    }

    [Fact]
    public void Bytes_within_the_bucket_complete_synchronously()
    {
        using var throttle = Throttle(Bucket(1000, burst: 5000));

        Assert.Equal(TimeSpan.Zero, Synchronous(throttle.WaitAsync(5000, CancellationToken.None)));
    }

    [Fact]
    public void Waits_that_are_not_needed_do_not_allocate()
    {
        using var throttle = Throttle(Bucket(1000), rateAfter: long.MaxValue, client: Bucket(1000, burst: long.MaxValue / 1_000_000_000));
        for (var i = 0; i < 100; i++)
        {
            Synchronous(throttle.WaitAsync(100, CancellationToken.None));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Synchronous(throttle.WaitAsync(100, CancellationToken.None));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task The_rate_after_allowance_goes_at_full_speed_then_the_stream_is_paced()
    {
        using var throttle = Throttle(Bucket(1000), rateAfter: 5000);

        Assert.True(throttle.WaitAsync(5000, CancellationToken.None).IsCompletedSuccessfully);

        var paced = throttle.WaitAsync(1000, CancellationToken.None).AsTask();
        Assert.False(paced.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), await paced);
    }

    [Fact]
    public async Task A_write_straddling_the_end_of_the_allowance_pays_only_for_the_bytes_beyond_it()
    {
        using var throttle = Throttle(Bucket(1000), rateAfter: 500);

        var wait = throttle.WaitAsync(1500, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(1), await wait);
    }

    [Fact]
    public void Writes_are_cut_at_the_end_of_the_allowance_then_to_a_few_milliseconds_of_the_rate()
    {
        using var throttle = Throttle(Bucket(1_000_000, burst: 1_000_000), rateAfter: 1000);

        Assert.Equal(1000, throttle.NextWriteSize(64 * 1024));
        Synchronous(throttle.WaitAsync(1000, CancellationToken.None));
        Assert.Equal(5000, throttle.NextWriteSize(64 * 1024));
        Assert.Equal(300, throttle.NextWriteSize(300));
    }

    [Fact]
    public void The_slowest_shared_rate_sets_the_write_size_and_tiny_rates_have_a_floor()
    {
        using var shared = Throttle(Bucket(50_000_000), client: Bucket(2_000_000), route: Bucket(40_000_000));
        using var slow = Throttle(Bucket(1000));

        Assert.Equal(10_000, shared.NextWriteSize(64 * 1024));
        Assert.Equal(256, slow.NextWriteSize(64 * 1024));
    }

    [Fact]
    public void An_unlimited_throttle_never_waits_nor_cuts_writes()
    {
        var throttle = StreamThrottle.Unlimited;

        Assert.True(throttle.IsUnlimited);
        Assert.Equal(256 * 1024, throttle.NextWriteSize(256 * 1024));
        Assert.True(throttle.WaitAsync(int.MaxValue, CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task The_longest_delay_of_the_applicable_buckets_is_waited()
    {
        using var throttle = Throttle(Bucket(1000), client: Bucket(500), route: Bucket(2000));

        var wait = throttle.WaitAsync(1000, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(wait.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(TimeSpan.FromSeconds(2), await wait);
    }

    [Fact]
    public async Task The_allowance_does_not_exempt_bytes_from_the_client_and_route_limits()
    {
        using var throttle = Throttle(Bucket(1000), rateAfter: 1_000_000, client: Bucket(4000), route: Bucket(2000));

        var wait = throttle.WaitAsync(4000, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromSeconds(2), await wait);
    }

    [Fact]
    public async Task Cancellation_during_a_wait_ends_it_and_refunds_the_shared_buckets()
    {
        var client = Bucket(1000);
        using var first = Throttle(client: client);
        using var second = Throttle(client: client);
        using var cancel = new CancellationTokenSource();

        var canceled = first.WaitAsync(1000, cancel.Token).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(300));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled);

        // Without the refund the second stream would also wait for the first one's unsent 1000 bytes (1.7 s).
        var next = second.WaitAsync(1000, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), await next);
    }

    [Fact]
    public async Task An_already_canceled_token_reserves_nothing()
    {
        var client = Bucket(1000);
        using var throttle = Throttle(client: client);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => throttle.WaitAsync(1000, new CancellationToken(canceled: true)).AsTask());

        Assert.Equal(TimeSpan.FromSeconds(1), client.Reserve(1000));
    }
}
