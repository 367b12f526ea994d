using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>Reports one stream's progress to the gateway's metrics (tagged with its route and direction) and to the status page.</summary>
internal sealed class StreamMeter(GatewayMetrics metrics, string routeId, StreamDirection direction, LiveStream? live = null) : ICopyObserver
{
    public void OnCopied(int bytes)
    {
        if (direction.IsTowardsClient)
        {
            metrics.BytesSent(routeId, bytes);
        }
        else
        {
            metrics.BytesReceived(routeId, bytes);
        }

        live?.Add(bytes);
    }

    public void OnThrottled(TimeSpan waited) => metrics.ThrottleWait(routeId, direction.Name, waited);

    public void OnBackpressure(TimeSpan waited) => metrics.BackpressureWait(routeId, direction.Name, waited);
}
