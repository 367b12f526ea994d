using System.Diagnostics.Metrics;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>The gateway's own instruments (<c>streamforge.*</c>), created through IMeterFactory so tests can observe them.</summary>
internal sealed class GatewayMetrics
{
    public const string MeterName = "StreamForge.Gateway";

    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _bytesReceived;
    private readonly UpDownCounter<long> _activeStreams;
    private readonly Counter<long> _streamsAborted;
    private readonly Counter<long> _requestsRejected;
    private readonly Counter<double> _throttleWait;
    private readonly Counter<long> _rangeRequests;
    private readonly Counter<long> _slicesFetched;
    private readonly Counter<double> _backpressureWait;
    private readonly Counter<long> _uploads;
    private readonly Counter<long> _accessLogDropped;
    private readonly Counter<long> _resumableUploads;
    private readonly Counter<long> _resumableBytes;

    /// <summary>Tag naming the gateway instance on its meter, so one process hosting several keeps their series apart.</summary>
    public const string InstanceTag = "streamforge.instance";

    public GatewayMetrics(IMeterFactory meterFactory, GatewayInstance instance)
    {
        var meter = meterFactory.Create(MeterOptionsFor(instance));
        _bytesSent = meter.CreateCounter<long>("streamforge.bytes.sent", "By", "Body bytes sent to clients, by route.");
        _bytesReceived = meter.CreateCounter<long>("streamforge.bytes.received", "By", "Body bytes received from clients, by route.");
        _activeStreams = meter.CreateUpDownCounter<long>("streamforge.streams.active", "{stream}", "Bodies being streamed now, by route and direction.");
        _rangeRequests = meter.CreateCounter<long>("streamforge.range.requests", "{request}", "Storage GET/HEAD requests by route and kind (full, single, suffix, open_ended, multi, unsatisfiable, not_modified, ...).");
        _slicesFetched = meter.CreateCounter<long>("streamforge.range.slices", "{slice}", "Upstream storage reads made to serve ranges, by route.");
        _throttleWait = meter.CreateCounter<double>("streamforge.throttle.wait", "s", "Time streams spent waiting on bandwidth throttles, by route and direction.");
        _backpressureWait = meter.CreateCounter<double>("streamforge.backpressure.wait", "s", "Time writes waited for the reading side (slow clients or upstreams), by route and direction.");
        _requestsRejected = meter.CreateCounter<long>("streamforge.requests.rejected", "{request}", "Requests refused before streaming, by route and reason.");
        _resumableUploads = meter.CreateCounter<long>("streamforge.resumable.uploads", "{upload}",
            "Resumable (tus) upload events by route and event: started, resumed, completed, terminated, expired (route \"*\" for the expiry sweep).");
        _resumableBytes = meter.CreateCounter<long>("streamforge.resumable.bytes", "By", "Bytes stored into resumable (tus) uploads, by route.");
        _streamsAborted = meter.CreateCounter<long>("streamforge.streams.aborted", "{stream}", "Streams that ended before their last byte, by route and reason.");
        _uploads = meter.CreateCounter<long>("streamforge.uploads", "{upload}", "Uploads that ended, by route and outcome (stored, failed, canceled).");
        _accessLogDropped = meter.CreateCounter<long>("streamforge.access_log.dropped", "{line}", "Access log lines dropped because the writer's queue was full.");
    }

    /// <summary>The gateway meter of <paramref name="instance"/>; IMeterFactory hands every caller asking with the same options the same meter.</summary>
    public static MeterOptions MeterOptionsFor(GatewayInstance instance) => new(MeterName)
    {
        Tags = [new KeyValuePair<string, object?>(InstanceTag, instance.Id)],
    };

    public void BytesSent(string route, long bytes) => _bytesSent.Add(bytes, new KeyValuePair<string, object?>("route", route));

    public void BytesReceived(string route, long bytes) => _bytesReceived.Add(bytes, new KeyValuePair<string, object?>("route", route));

    public void StreamStarted(string route, string direction) =>
        _activeStreams.Add(1, new("route", route), new("direction", direction));

    public void StreamEnded(string route, string direction) =>
        _activeStreams.Add(-1, new("route", route), new("direction", direction));

    public void StreamAborted(string route, string reason) =>
        _streamsAborted.Add(1, new("route", route), new("reason", reason));

    public void RequestRejected(string route, string reason) =>
        _requestsRejected.Add(1, new("route", route), new("reason", reason));

    public void ThrottleWait(string route, string direction, TimeSpan waited) =>
        _throttleWait.Add(waited.TotalSeconds, new("route", route), new("direction", direction));

    public void BackpressureWait(string route, string direction, TimeSpan waited) =>
        _backpressureWait.Add(waited.TotalSeconds, new("route", route), new("direction", direction));

    public void RangeRequest(string route, string kind) => _rangeRequests.Add(1, new("route", route), new("kind", kind));

    public void SliceFetched(string route) => _slicesFetched.Add(1, new KeyValuePair<string, object?>("route", route));

    public void UploadEnded(string route, string outcome) => _uploads.Add(1, new("route", route), new("outcome", outcome));

    public void AccessLogDropped() => _accessLogDropped.Add(1);

    /// <summary>One resumable-upload event: started, resumed, completed, terminated or expired.</summary>
    public void ResumableEvent(string route, string @event) => _resumableUploads.Add(1, new("route", route), new("event", @event));

    public void ResumableBytes(string route, long bytes) => _resumableBytes.Add(bytes, new KeyValuePair<string, object?>("route", route));
}
