using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>
/// Requests Kestrel refuses before any middleware runs (a malformed request line or header, headers over its limits or
/// too slow to arrive, an HTTP version it does not speak) are answered by Kestrel itself, with no body, and left no
/// access log line and no count on the status page: scanners and broken clients went unseen. Kestrel reports each
/// on its DiagnosticListener (the <c>BadRequest</c> event, with the request's features); this gives it its line, with
/// error <c>malformed_request</c>.
/// </summary>
internal sealed class RejectedRequestLog(DiagnosticListener listener, AccessLogWriter writer, ErrorTally errors, TimeProvider time)
    : IHostedService, IObserver<KeyValuePair<string, object?>>
{
    public const string EventName = "Microsoft.AspNetCore.Server.Kestrel.BadRequest";

    /// <summary>The error code of the line and of the status page's tally.</summary>
    public const string ErrorCode = "malformed_request";

    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = listener.Subscribe(this, name => name == EventName);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        // Kestrel also reports a request body it could not read to its end after the answer (a client that hung up on
        // an early 413): that request reached the pipeline and has its line already.
        if (value.Key != EventName || value.Value is not IFeatureCollection features || features.Get<AccessLogRecord>() is not null
            || features.Get<IBadRequestExceptionFeature>()?.Error is not BadHttpRequestException rejected)
        {
            return;
        }

        errors.Add(ErrorCode);
        if (writer.Enabled)
        {
            var request = features.Get<IHttpRequestFeature>();
            writer.Write(new AccessLogEntry(time.GetUtcNow(), features.Get<IHttpConnectionFeature>()?.RemoteIpAddress?.ToString(),
                NullIfEmpty(request?.Method), NullIfEmpty(request?.RawTarget), NullIfEmpty(request?.Protocol), rejected.StatusCode,
                BytesSent: 0, BytesReceived: 0, TimeSpan.Zero, Route: null, UpstreamTimeToFirstByte: null, Range: null,
                CacheStatus: null, Throttle: null, ErrorCode));
        }
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    /// <summary>What Kestrel had parsed of the request line: nothing when the line itself was refused.</summary>
    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
