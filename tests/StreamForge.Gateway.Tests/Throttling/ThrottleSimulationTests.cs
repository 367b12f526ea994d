using Microsoft.Extensions.Time.Testing;
using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Tests.Throttling;

/// <summary>
/// Copy loops driven on fake time for 10 simulated seconds: the achieved rate over every 1 s window after the
/// burst must be within 1% of the configured one. A logic test, not a timing test.
/// </summary>
public sealed class ThrottleSimulationTests
{
    private const double Tolerance = 0.01;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new();
    private readonly ThrottleRegistry _registry;

    public ThrottleSimulationTests() => _registry = new ThrottleRegistry(_time);

    public static TheoryData<long, int> RatesAndChunks()
    {
        var data = new TheoryData<long, int>();
        foreach (var rate in new long[] { 64 * 1024, 1_000_000, 3_333_333, 50_000_000 })
        {
            foreach (var chunk in new[] { 4 * 1024, 64 * 1024, 256 * 1024 })
            {
                data.Add(rate, chunk);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RatesAndChunks))]
    public void One_stream_is_paced_at_its_rate_in_every_window_after_the_burst(long rate, int chunk)
    {
        var policy = new ThrottlePolicy(rate, rate / 2, 0, null, null);
        using var throttle = _registry.Acquire("videos", "10.0.0.1", policy);

        var writes = ThrottleSimulator.Run(_time, [throttle], chunk, Duration)[0];

        var burstBytes = writes.Where(w => w.At == TimeSpan.Zero).Sum(w => (long)w.Bytes);
        Assert.InRange(burstBytes, rate / 2 - chunk, rate / 2);
        AssertPaced(writes, rate);
    }

    [Theory]
    [InlineData(64 * 1024, 64 * 1024)]
    [InlineData(1_000_000, 256 * 1024)]
    public void The_rate_after_allowance_and_the_burst_go_first_then_pacing(long rate, int chunk)
    {
        const long allowance = 3 * 1024 * 1024;
        var policy = new ThrottlePolicy(rate, rate / 4, allowance, null, null);
        using var throttle = _registry.Acquire("videos", "10.0.0.1", policy);

        var writes = ThrottleSimulator.Run(_time, [throttle], chunk, Duration)[0];

        var fullSpeed = writes.Where(w => w.At == TimeSpan.Zero).Sum(w => (long)w.Bytes);
        Assert.InRange(fullSpeed, allowance + rate / 4 - chunk, allowance + rate / 4);
        AssertPaced(writes, rate);
    }

    [Theory]
    [InlineData(64 * 1024)]
    [InlineData(1_000_000)]
    [InlineData(50_000_000)]
    public void Two_streams_of_one_client_split_the_client_rate(long rate)
    {
        var policy = new ThrottlePolicy(null, rate / 2, 0, rate, null);
        using var first = _registry.Acquire("videos", "10.0.0.1", policy);
        using var second = _registry.Acquire("videos", "10.0.0.1", policy);

        var writes = ThrottleSimulator.Run(_time, [first, second], 64 * 1024, Duration);

        AssertPaced(writes.SelectMany(w => w).ToList(), rate);
        AssertEvenSplit(writes, rate);
    }

    [Fact]
    public void A_client_limit_below_the_sum_of_its_streams_limits_is_the_one_that_holds()
    {
        const long rate = 1_000_000;
        var policy = new ThrottlePolicy(800_000, 400_000, 0, rate, null);
        using var first = _registry.Acquire("videos", "10.0.0.1", policy);
        using var second = _registry.Acquire("videos", "10.0.0.1", policy);

        var writes = ThrottleSimulator.Run(_time, [first, second], 64 * 1024, Duration);

        AssertPaced(writes.SelectMany(w => w).ToList(), rate);
        AssertEvenSplit(writes, rate);
    }

    [Fact]
    public void Two_clients_on_one_route_split_the_route_rate()
    {
        const long rate = 2_000_000;
        var policy = new ThrottlePolicy(null, rate / 2, 0, null, rate);
        using var first = _registry.Acquire("videos", "10.0.0.1", policy);
        using var second = _registry.Acquire("videos", "10.0.0.2", policy);

        var writes = ThrottleSimulator.Run(_time, [first, second], 256 * 1024, Duration);

        AssertPaced(writes.SelectMany(w => w).ToList(), rate);
        AssertEvenSplit(writes, rate);
    }

    private static void AssertPaced(IReadOnlyCollection<SimulatedWrite> writes, long rate)
    {
        var from = RateWindows.EndOfBurst(writes);
        var worst = RateWindows.WorstDeviation(writes, rate, from, Duration, Window);
        Assert.True(worst <= Tolerance, $"{rate} B/s: worst 1 s window after {from} is off by {worst:P3}");
    }

    private static void AssertEvenSplit(List<SimulatedWrite>[] writes, long rate)
    {
        var from = RateWindows.EndOfBurst(writes.SelectMany(w => w));
        var seconds = (Duration - from).TotalSeconds;
        foreach (var stream in writes)
        {
            var achieved = stream.Where(w => w.At >= from).Sum(w => (long)w.Bytes) / seconds;
            Assert.InRange(achieved, rate / 2.0 * (1 - Tolerance), rate / 2.0 * (1 + Tolerance));
        }
    }
}
