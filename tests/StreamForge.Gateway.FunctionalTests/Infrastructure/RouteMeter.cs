using System.Diagnostics.Metrics;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>Sums one of the gateway's counters for one route, in process, as the measurements happen.</summary>
internal sealed class RouteMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public RouteMeter(string instrument, string route, string? reason = null)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Meter.Name == "StreamForge.Gateway" && published.Name == instrument)
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var routeMatches = false;
            var reasonMatches = reason is null;
            foreach (var tag in tags)
            {
                routeMatches |= tag.Key == "route" && (string?)tag.Value == route;
                reasonMatches |= tag.Key == "reason" && (string?)tag.Value == reason;
            }

            if (routeMatches && reasonMatches)
            {
                Interlocked.Add(ref _total, value);
            }
        });
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
