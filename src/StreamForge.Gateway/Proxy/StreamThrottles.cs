using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Proxy;

/// <summary>Gives each request's stream its throttle, keyed by route, direction and client.</summary>
internal sealed class StreamThrottles(ThrottleRegistry registry)
{
    public StreamThrottle Acquire(HttpContext context, string routeId, StreamPolicy policy, StreamDirection direction) =>
        policy.Throttle.IsUnlimited
            ? StreamThrottle.Unlimited
            // Per direction: a client's uploads must not eat its download allowance, nor the reverse.
            : registry.Acquire($"{routeId}/{direction.Name}", policy.ClientKey.Resolve(context), policy.Throttle);
}
