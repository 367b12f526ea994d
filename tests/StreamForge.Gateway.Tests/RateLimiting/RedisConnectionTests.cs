using StreamForge.Gateway.RateLimiting;

namespace StreamForge.Gateway.Tests.RateLimiting;

public sealed class RedisConnectionTests
{
    [Fact]
    public void An_outage_is_reported_at_once_then_once_per_interval()
    {
        // Its first report never came: the "never reported" mark overflowed the elapsed-time check.
        using var connection = new RedisConnection("127.0.0.1:1");
        var interval = TimeSpan.FromSeconds(10);

        Assert.True(connection.ShouldReport("open", interval, now: 5_000));
        Assert.False(connection.ShouldReport("open", interval, now: 9_000));
        Assert.False(connection.ShouldReport("open", interval, now: 14_999));
        Assert.True(connection.ShouldReport("open", interval, now: 15_000));
    }

    [Fact]
    public void Each_policy_reports_its_own_outage()
    {
        // A fail-closed policy's refusals were never logged while a fail-open one had just reported.
        using var connection = new RedisConnection("127.0.0.1:1");
        var interval = TimeSpan.FromSeconds(10);

        Assert.True(connection.ShouldReport("open", interval, now: 5_000));
        Assert.True(connection.ShouldReport("closed", interval, now: 6_000));
        Assert.False(connection.ShouldReport("closed", interval, now: 7_000));
    }
}
