using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using StreamForge.Gateway.RateLimiting;

namespace StreamForge.Gateway.Tests.RateLimiting;

public sealed class RateLimitRejectionTests
{
    [Fact]
    public void Uses_the_seconds_left_that_RedisRateLimiting_reports_for_a_fixed_window()
    {
        // RedisRateLimiting 1.2's refusal, as it comes from a real Redis: the window's remaining 58 s, as an int, truncated
        // (its window ends on a whole second), so one more: a client waiting exactly 58 s was refused once more.
        var lease = new Lease(("RATELIMIT_LIMIT", "1"), ("RATELIMIT_REMAINING", 0L), ("RATELIMIT_RETRYAFTER", 58));

        Assert.Equal(59, RateLimitRejection.RetryAfterSeconds(lease, new DefaultHttpContext()));
    }

    [Fact]
    public void Rounds_an_in_memory_hint_up_to_whole_seconds()
    {
        var lease = new Lease((MetadataName.RetryAfter.Name, TimeSpan.FromMilliseconds(14_200)));

        Assert.Equal(15, RateLimitRejection.RetryAfterSeconds(lease, new DefaultHttpContext()));
    }

    private sealed class Lease(params (string Name, object Value)[] metadata) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => metadata.Select(entry => entry.Name);

        public override bool TryGetMetadata(string metadataName, out object? value)
        {
            value = metadata.FirstOrDefault(entry => entry.Name == metadataName).Value;
            return value is not null;
        }
    }
}
