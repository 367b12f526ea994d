using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Model;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>
/// First in the pipeline: gives the request its <see cref="AccessLogRecord"/> and a byte-counting response body,
/// and when the request is done, counts its error, records its metrics (<see cref="HttpRequestMetrics"/>) and queues
/// its access log line.
/// </summary>
internal sealed class AccessLogMiddleware(
    RequestDelegate next, AccessLogWriter writer, ErrorTally errors, HttpRequestMetrics metrics, TimeProvider time, IHostApplicationLifetime lifetime)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var record = new AccessLogRecord(time.GetUtcNow());
        context.Features.Set(record);
        using var body = new CountingResponseBody(context.Features.GetRequiredFeature<IHttpResponseBodyFeature>(), context.RequestAborted);
        context.Features.Set<IHttpResponseBodyFeature>(body);
        metrics.RequestStarted(context.Request);
        string? failure = null;
        try
        {
            await next(context);
        }
        catch (Exception ex)
        {
            failure = ex.GetType().FullName;
            throw;
        }
        finally
        {
            context.Features.Set(body.Inner);
            // A response that never started sent nothing, whatever a handler wrote into it after the client left.
            var sent = context.Response.HasStarted ? body.BytesWritten : 0;
            var status = StatusOf(context, failure, sent, body.WroteAfterClientLeft);
            var error = ErrorOf(context, record, status, sent, body.WroteAfterClientLeft, lifetime.ApplicationStopping.IsCancellationRequested);
            if (error is not null)
            {
                errors.Add(error);
            }

            var route = context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.RouteId;
            metrics.RequestEnded(context, status, System.Diagnostics.Stopwatch.GetElapsedTime(record.StartTimestamp), failure);
            if (record.UpstreamTimeToFirstByte is { } upstream && route is not null)
            {
                metrics.UpstreamResponded(route, upstream);
            }

            if (writer.Enabled)
            {
                writer.Write(EntryOf(context, record, route, status, sent, error));
            }
        }
    }

    /// <summary>
    /// The status sent. An exception before the status line becomes Kestrel's 500. A client that left before the status
    /// line (an upload cut off mid-body) was sent nothing: 499, nginx's "client closed request", not the 200 the
    /// response object starts with.
    /// </summary>
    private static int StatusOf(HttpContext context, string? failure, long sent, bool wroteAfterClientLeft) =>
        // An answer written only once the connection was gone (a 502 for a store call the abort failed) went nowhere.
        context.Response.HasStarted && !(sent == 0 && wroteAfterClientLeft && context.RequestAborted.IsCancellationRequested) ? context.Response.StatusCode
        : context.RequestAborted.IsCancellationRequested ? ClientClosedRequest
        : failure is not null ? StatusCodes.Status500InternalServerError
        : context.Response.StatusCode;

    private const int ClientClosedRequest = 499;

    /// <param name="sent">Body bytes handed to the server while the client was there.</param>
    /// <param name="wroteAfterClientLeft">Whether the handler wrote on after the client had left.</param>
    /// <param name="stopping">Whether the gateway is shutting down: its drain cuts the connections still open at its end.</param>
    internal static string? ErrorOf(HttpContext context, AccessLogRecord record, int status, long sent, bool wroteAfterClientLeft, bool stopping = false)
    {
        var cut = context.RequestAborted.IsCancellationRequested && !SentWhole(context, sent, wroteAfterClientLeft);
        // Whatever a handler made of a connection the drain cut (a failed copy, a failed store call), the cause was the
        // shutdown, not the client or the upstream: every deploy looked like S3 failures and clients hanging up.
        if (cut && stopping)
        {
            return ShutdownCut;
        }

        return record.ErrorCode
            ?? (cut ? "client_aborted" : null)
            ?? (status >= 400 ? string.Create(CultureInfo.InvariantCulture, $"http_{status}") : null);
    }

    private const string ShutdownCut = "shutdown";

    /// <summary>
    /// Whether the whole response was handed to the server before the client left. A client that reads a whole body
    /// and closes its connection at once (curl does) can signal RequestAborted before this middleware ends: that is no
    /// abort. Without a Content-Length (chunked, compressed) the body was whole when nothing was written after.
    /// </summary>
    private static bool SentWhole(HttpContext context, long sent, bool wroteAfterClientLeft)
    {
        var response = context.Response;
        if (!response.HasStarted || wroteAfterClientLeft)
        {
            return false;
        }

        var bodyless = HttpMethods.IsHead(context.Request.Method) || response.StatusCode is StatusCodes.Status204NoContent or StatusCodes.Status304NotModified;
        return bodyless || response.ContentLength is not { } length || sent >= length;
    }

    private static AccessLogEntry EntryOf(HttpContext context, AccessLogRecord record, string? route, int status, long sent, string? error)
    {
        var request = context.Request;
        var response = context.Response;
        // A multipart/byteranges answer has no single Content-Range; the ranges asked for say what was served.
        var range = response.Headers.ContentRange.Count > 0 ? response.Headers.ContentRange.ToString()
            : status == StatusCodes.Status206PartialContent ? request.Headers.Range.ToString() : null;
        return new AccessLogEntry(
            record.Started,
            context.Connection.RemoteIpAddress?.ToString(),
            request.Method,
            // As the client sent it: the decoded, normalised path turned "/a/./../etc" into the "/etc" a guard then refused.
            context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.PathBase + request.Path + request.QueryString,
            request.Protocol,
            status,
            sent,
            record.BytesReceived,
            System.Diagnostics.Stopwatch.GetElapsedTime(record.StartTimestamp),
            route,
            record.UpstreamTimeToFirstByte,
            range,
            // The edge cache (RFC 9211) sets this header; logging it needs nothing more from the cache.
            response.Headers["Cache-Status"].Count > 0 ? response.Headers["Cache-Status"].ToString() : record.Cache?.HeaderValue(),
            record.Throttle,
            error);
    }
}
