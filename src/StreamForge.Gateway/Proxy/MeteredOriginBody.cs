using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Streaming;
using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// The response stream for an origin's body that YARP copies itself (the answer to a request with a body, or a window
/// of the body when ranges are emulated): paced, counted and stall-timed as the gateway's own copy is. A write the
/// client leaves stalled is counted, logged and cuts the connection.
/// </summary>
internal static class MeteredOriginBody
{
    public static MeteredWriteStream Over(
        Stream inner, HttpContext context, string routeId, GatewayMetrics metrics, BufferPolicy buffer, StreamThrottle throttle, ICopyObserver meter) =>
        new(inner, buffer.StallTimeout, throttle, meter, () =>
        {
            metrics.StreamAborted(routeId, "stalled");
            context.Features.Get<AccessLogRecord>()?.ErrorCode ??= "stalled";
            context.Abort();
        });
}
