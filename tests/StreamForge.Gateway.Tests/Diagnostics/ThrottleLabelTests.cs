using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Tests.Diagnostics;

public sealed class ThrottleLabelTests
{
    [Fact]
    public void Unlimited_has_no_label() => Assert.Null(ThrottleLabel.Of(ThrottlePolicy.Unlimited));

    [Fact]
    public void Each_configured_limit_is_named_with_its_rate() =>
        Assert.Equal("stream 2MiB/s, client 250KiB/s, route 512B/s",
            ThrottleLabel.Of(new ThrottlePolicy(2 << 20, 1 << 20, 0, 250 * 1024, 512)));
}
