using Microsoft.Extensions.Time.Testing;
using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Tests.Throttling;

public sealed class TokenBucketTests
{
    private readonly FakeTimeProvider _time = new();

    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    [Fact]
    public void A_new_bucket_is_full_and_debt_is_paid_at_the_rate()
    {
        var bucket = new TokenBucket(1000, 2000, _time);

        Assert.Equal(TimeSpan.Zero, bucket.Reserve(1500));
        Assert.Equal(Ms(500), bucket.Reserve(1000));
        Assert.Equal(Ms(1500), bucket.Reserve(1000));

        _time.Advance(Ms(1500));
        Assert.Equal(TimeSpan.Zero, bucket.Reserve(0));
    }

    [Fact]
    public void Idle_time_refills_the_bucket_but_never_beyond_the_burst()
    {
        var bucket = new TokenBucket(1000, 2000, _time);
        Assert.Equal(TimeSpan.Zero, bucket.Reserve(2000));

        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(TimeSpan.Zero, bucket.Reserve(2000));
        Assert.Equal(Ms(1), bucket.Reserve(1));
    }

    [Fact]
    public void A_partial_refill_covers_only_what_the_elapsed_time_earned()
    {
        var bucket = new TokenBucket(1000, 2000, _time);
        bucket.Reserve(2000);

        _time.Advance(Ms(500));

        Assert.Equal(TimeSpan.Zero, bucket.Reserve(500));
        Assert.Equal(Ms(500), bucket.Reserve(500));
    }

    [Fact]
    public void A_chunk_larger_than_the_burst_waits_only_for_the_excess()
    {
        var bucket = new TokenBucket(1000, 100, _time);

        Assert.Equal(TimeSpan.FromSeconds(1), bucket.Reserve(1100));
        Assert.Equal(TimeSpan.FromSeconds(2), bucket.Reserve(1000));
    }

    [Fact]
    public void Fractional_delays_round_up_without_accumulating()
    {
        // 1/3 s per byte: each delay is rounded up to a 100 ns tick, yet the third lands exactly on 1 s.
        var bucket = new TokenBucket(3, 0, _time);

        Assert.Equal(TimeSpan.FromTicks(3_333_334), bucket.Reserve(1));
        Assert.Equal(TimeSpan.FromTicks(6_666_667), bucket.Reserve(1));
        Assert.Equal(TimeSpan.FromSeconds(1), bucket.Reserve(1));
    }

    [Fact]
    public void Nanosecond_timestamps_convert_to_the_same_delays()
    {
        var time = new NanosecondTimeProvider();
        var bucket = new TokenBucket(3, 0, time);

        Assert.Equal(TimeSpan.FromTicks(3_333_334), bucket.Reserve(1));
        Assert.Equal(TimeSpan.FromTicks(6_666_667), bucket.Reserve(1));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, bucket.Reserve(0));
        Assert.Equal(TimeSpan.FromTicks(3_333_334), bucket.Reserve(1));
    }

    [Fact]
    public void A_zero_burst_bucket_paces_every_byte()
    {
        var bucket = new TokenBucket(1_000_000, 0, _time);

        Assert.Equal(Ms(1), bucket.Reserve(1000));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(Ms(1), bucket.Reserve(1000));
    }

    [Fact]
    public void A_refund_cancels_the_debt_of_bytes_never_written()
    {
        var bucket = new TokenBucket(1000, 0, _time);
        Assert.Equal(TimeSpan.FromSeconds(1), bucket.Reserve(1000));

        bucket.Refund(1000);

        Assert.Equal(TimeSpan.FromSeconds(1), bucket.Reserve(1000));
    }

    [Fact]
    public void A_refund_never_raises_the_bucket_above_its_burst()
    {
        var bucket = new TokenBucket(1000, 500, _time);

        bucket.Refund(10_000);

        Assert.Equal(TimeSpan.Zero, bucket.Reserve(500));
        Assert.Equal(Ms(1), bucket.Reserve(1));
    }

    [Fact]
    public void IsFull_tells_when_the_bucket_has_refilled()
    {
        var bucket = new TokenBucket(1000, 1000, _time);
        Assert.True(bucket.IsFull);

        bucket.Reserve(1500);
        Assert.False(bucket.IsFull);

        _time.Advance(Ms(1499));
        Assert.False(bucket.IsFull);
        _time.Advance(Ms(1));
        Assert.True(bucket.IsFull);
    }

    [Fact]
    public void Invalid_settings_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucket(0, 0, _time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucket(1000, -1, _time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucket(1000, 0, _time).Reserve(-1));
    }

    [Fact]
    public void Parallel_reservations_account_for_every_byte()
    {
        // 10 MB/s against 10^7 ticks per second: the final debt in ticks is the byte count itself.
        const long capacity = 1_000_000;
        var bucket = new TokenBucket(10_000_000, capacity, _time);
        long total = 0;

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            var random = new Random(worker);
            long mine = 0;
            for (var i = 0; i < 20_000; i++)
            {
                var bytes = random.Next(1, 1000);
                bucket.Reserve(bytes);
                mine += bytes;
            }

            Interlocked.Add(ref total, mine);
        });

        Assert.Equal(TimeSpan.FromTicks(total - capacity), bucket.Reserve(0));
    }

    public static TheoryData<int> Seeds() => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Waiting_every_delay_sends_exactly_the_rate_with_no_drift(int seed)
    {
        // Property: a caller that waits each returned delay (rounded to the clock's tick) and reserves again
        // sends burst + rate * elapsed bytes, to within a few ticks' worth, however many reservations.
        var random = new Random(seed);
        var rate = (long)Math.Exp(random.NextDouble() * (Math.Log(50_000_000) - Math.Log(64_000)) + Math.Log(64_000));
        var burst = random.NextInt64(rate / 20, rate);
        var nanoseconds = seed % 2 == 0;
        var fake = new FakeTimeProvider();
        var ns = new NanosecondTimeProvider();
        TimeProvider time = nanoseconds ? ns : fake;
        var bucket = new TokenBucket(rate, burst, time);
        var start = time.GetTimestamp();
        long sent = 0;

        for (var i = 0; i < 20_000; i++)
        {
            var bytes = random.Next(4096, 256 * 1024 + 1);
            var delay = bucket.Reserve(bytes);
            sent += bytes;
            if (nanoseconds)
            {
                ns.Advance(delay);
            }
            else
            {
                fake.Advance(delay);
            }
        }

        var elapsed = time.GetElapsedTime(start);
        var expected = burst + rate * (decimal)elapsed.Ticks / TimeSpan.TicksPerSecond;
        var tolerance = rate * 2m / TimeSpan.TicksPerSecond + 1;
        Assert.True(Math.Abs(sent - expected) <= tolerance,
            $"rate {rate} B/s, burst {burst}: sent {sent} bytes in {elapsed}, expected {expected} +- {tolerance}");
    }
}
