using Microsoft.Net.Http.Headers;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Routing;
using StreamForge.Gateway.Storage;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// GET and HEAD on a storage route. A plain GET opens the object in one call, and so does a seek: one closed range,
/// no conditionals, no longer than a slice (what players and download tools send). Anything else reads the
/// metadata first, lets <see cref="DownloadPlanner"/> decide (200, 206, 304, 412, 416), and then streams exactly
/// the planned bytes through the copy loop.
/// </summary>
internal sealed class ObjectDownloadHandler(
    GatewayMetrics metrics,
    LiveStreams streams,
    StreamThrottles throttles,
    RangedBodyWriter rangedBodies,
    CopyOutcomeResponder outcomes,
    MediaAwareCompressionProvider compression,
    ILogger<ObjectDownloadHandler> logger)
{
    private static readonly StreamDirection Direction = StreamDirection.Download;

    public async Task HandleAsync(StorageRequest request)
    {
        request.Context.Features.Get<AccessLogRecord>()?.UpstreamStarted();
        try
        {
            if (DownloadPlanner.SingleSeek(request.Context.Request, request.Policy.Range) is { } seek)
            {
                await ReplannedIfChangedAsync(request, () => HandleSeekAsync(request, seek));
            }
            else if (DownloadPlanner.NeedsMetadataFirst(request.Context.Request))
            {
                await HandlePlannedAsync(request);
            }
            else
            {
                await ReplannedIfChangedAsync(request, () => HandlePlainGetAsync(request));
            }
        }
        catch (StorageException ex)
        {
            GatewayLog.StorageFailed(logger, request.RouteId, request.Key.Value, ex.Kind.ToString(), ex);
            await StorageErrorResponder.WriteAsync(request.Context, ex);
        }
    }

    /// <summary>
    /// A store that answers from its copy of a version (the edge cache) reads the bytes the copy lacks pinned to that
    /// version. When the origin or storage changed meanwhile and nothing was sent yet, the request is planned again on
    /// the current version (the cache has dropped the old one), as a planned request is, instead of a 502 for an
    /// upstream that is healthy.
    /// </summary>
    private async Task ReplannedIfChangedAsync(StorageRequest request, Func<Task> send)
    {
        try
        {
            await send();
        }
        catch (StorageException ex) when (ex.Kind is StorageErrorKind.PreconditionFailed or StorageErrorKind.NotFound && !request.Context.Response.HasStarted)
        {
            request.Context.Response.Clear();
            await HandlePlannedAsync(request, isRetry: true);
        }
    }

    private async Task HandlePlainGetAsync(StorageRequest request)
    {
        metrics.RangeRequest(request.RouteId, "full");
        await using var content = await request.Store.OpenReadAsync(request.Key, span: null, ifMatch: null, request.Context.RequestAborted);
        UpstreamResponded(request);
        if (content is null)
        {
            await NotFoundAsync(request);
            return;
        }

        WriteEntityHeaders(request.Context.Response, request.Key, content.Info, request.Route);
        request.Context.Response.ContentLength = content.Info.Length;
        await StreamAsync(request, options => StreamCopier.CopyAsync(content.Body, request.Context.Response.BodyWriter, options with { ExpectedLength = content.Info.Length }, request.Context.RequestAborted), pinned: true);
    }

    /// <summary>
    /// One storage call for a seek: the range read also brings the metadata, so there is no version to pin (the
    /// planned path reads metadata, then the bytes with If-Match). Storage clamps the range as RFC 9110 section 14.1.2
    /// does; one that starts past the end goes the planned way, which answers 416 with the length.
    /// </summary>
    private async Task HandleSeekAsync(StorageRequest request, ByteSpan seek)
    {
        var context = request.Context;
        ObjectContent? content;
        try
        {
            content = await request.Store.OpenRangeAsync(request.Key, seek.First, seek.Last, context.RequestAborted);
        }
        catch (StorageException ex) when (ex.Kind == StorageErrorKind.RangeNotSatisfiable)
        {
            await HandlePlannedAsync(request);
            return;
        }

        await using (content)
        {
            UpstreamResponded(request);
            if (content is null)
            {
                await NotFoundAsync(request);
                return;
            }

            WriteEntityHeaders(context.Response, request.Key, content.Info, request.Route);
            var length = content.Info.Length;
            if (content.Span is { } span)
            {
                metrics.RangeRequest(request.RouteId, "single");
                context.Response.StatusCode = StatusCodes.Status206PartialContent;
                context.Response.Headers.ContentRange = ContentRangeFormatter.Format(span, content.Info.Length);
                length = span.Length;
            }
            else
            {
                // Storage ignored the range and sent the whole object, which a server may do (RFC 9110 section 14.2).
                metrics.RangeRequest(request.RouteId, "full");
            }

            context.Response.ContentLength = length;
            await StreamAsync(request, options => StreamCopier.CopyAsync(content.Body, context.Response.BodyWriter, options with { ExpectedLength = length }, context.RequestAborted), pinned: true);
        }
    }

    /// <param name="isRetry">
    /// Whether this is the second try: the object changed or went between the metadata read and the pinned body read,
    /// before a byte was sent, and the first try's answer (a 412 or 404 from the pin, which the client never asked
    /// about) is replaced by one planned on the current version.
    /// </param>
    private async Task HandlePlannedAsync(StorageRequest request, bool isRetry = false)
    {
        var context = request.Context;
        try
        {
            await PlanAndSendAsync(request);
        }
        catch (StorageException ex) when (!isRetry && ex.Kind is StorageErrorKind.PreconditionFailed or StorageErrorKind.NotFound && !context.Response.HasStarted)
        {
            context.Response.Clear();
            await HandlePlannedAsync(request, isRetry: true);
        }
        catch (StorageException ex) when (isRetry && ex.Kind == StorageErrorKind.PreconditionFailed)
        {
            // The pin failed twice: the object keeps changing under its reads. The client asked for no precondition (the
            // plan answers those itself), so not a 412 but a 503 to try again.
            throw new StorageException(StorageErrorKind.Unavailable, $"'{request.Key}' changed again while it was read", ex, retryAfter: TimeSpan.FromSeconds(1));
        }
    }

    private async Task PlanAndSendAsync(StorageRequest request)
    {
        var context = request.Context;
        var info = await request.Store.HeadAsync(request.Key, context.RequestAborted);
        UpstreamResponded(request);
        if (info is null)
        {
            await NotFoundAsync(request);
            return;
        }

        var plan = DownloadPlanner.Plan(context.Request, info, request.Policy.Range);
        metrics.RangeRequest(request.RouteId, plan.RangeKind);
        var response = context.Response;
        switch (plan.Kind)
        {
            case DownloadPlanKind.NotModified:
                WriteEntityHeaders(response, request.Key, info, request.Route);
                compression.DescribeNotModified(context, response.ContentType, info.Length);
                response.ContentType = null;
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            case DownloadPlanKind.PreconditionFailed:
                await ProblemResponder.WriteAsync(context, StatusCodes.Status412PreconditionFailed, ErrorCodes.PreconditionFailed,
                    $"'{request.Key}' does not meet the request's preconditions (now {info.ETag})");
                return;
            case DownloadPlanKind.Unsatisfiable:
                await ProblemResponder.WriteAsync(context, StatusCodes.Status416RangeNotSatisfiable, ErrorCodes.RangeNotSatisfiable,
                    plan.Abusive ? "the range set is refused (too many, overlapping or larger than the object)" : $"no requested range starts within the {info.Length} bytes of '{request.Key}'",
                    headers =>
                    {
                        headers.ContentRange = ContentRangeFormatter.FormatUnsatisfied(info.Length);
                        headers.AcceptRanges = "bytes";
                    });
                return;
        }

        WriteEntityHeaders(response, request.Key, info, request.Route);
        if (plan.Kind == DownloadPlanKind.Full)
        {
            response.ContentLength = info.Length;
            if (HttpMethods.IsGet(context.Request.Method))
            {
                await SendPinnedFullBodyAsync(request, info);
            }

            return;
        }

        response.StatusCode = StatusCodes.Status206PartialContent;
        MultipartByteRanges? multipart = null;
        if (plan.Kind == DownloadPlanKind.Single)
        {
            response.Headers.ContentRange = ContentRangeFormatter.Format(plan.Spans[0], info.Length);
            response.ContentLength = plan.Spans[0].Length;
        }
        else
        {
            multipart = new MultipartByteRanges(MultipartBoundary.Create(), SafePartContentType(request, info), info.Length, plan.Spans);
            response.ContentType = multipart.ContentType;
            response.ContentLength = multipart.ContentLength;
        }

        request.Store.PlanReads(plan.Spans);
        await StreamAsync(request, options => rangedBodies.WriteAsync(request, info, plan.Spans, plan.OpenEnded, multipart, options), pinned: true);
    }

    /// <summary>A full body after a metadata read: pinned to the ETag the headers are about to announce.</summary>
    private async Task SendPinnedFullBodyAsync(StorageRequest request, ObjectInfo info)
    {
        var context = request.Context;
        await using var content = await request.Store.OpenReadAsync(request.Key, span: null, ifMatch: info.ETag, context.RequestAborted);
        if (content is null)
        {
            await NotFoundAsync(request);
            return;
        }

        // Pinned: the edge cache opens slices lazily, so a version changed upstream fails on the first read, and the
        // request is planned again on the new one instead of answering 502.
        await StreamAsync(request, options => StreamCopier.CopyAsync(content.Body, context.Response.BodyWriter, options with { ExpectedLength = info.Length }, context.RequestAborted), pinned: true);
    }

    /// <param name="pinned">The copy reads pinned to a version: a pin that fails before the first byte is thrown for <see cref="HandlePlannedAsync"/> (or <see cref="ReplannedIfChangedAsync"/>) to plan again.</param>
    private async Task StreamAsync(StorageRequest request, Func<CopyOptions, Task<CopyResult>> copy, bool pinned = false)
    {
        var buffer = request.Policy.Buffer;
        using var throttle = throttles.Acquire(request.Context, request.RouteId, request.Policy, Direction);
        using var live = streams.Begin(request.Context, request.RouteId, request.Key.Value, Direction, request.Context.Response.ContentLength, request.Policy.Throttle);
        var options = new CopyOptions(buffer.ChunkSize, buffer.StallTimeout, null, throttle, live.Meter);
        var result = await copy(options);
        if (pinned && result is { Outcome: CopyOutcome.SourceFailed, Error: StorageException { Kind: StorageErrorKind.PreconditionFailed or StorageErrorKind.NotFound } changed }
            && !request.Context.Response.HasStarted)
        {
            throw changed;
        }

        await outcomes.RespondAsync(request, result);
    }

    /// <summary>The store's first answer (metadata or the start of the body): the access log's upstream time to first byte.</summary>
    private static void UpstreamResponded(StorageRequest request) => request.Context.Features.Get<AccessLogRecord>()?.UpstreamResponded();

    private static void WriteEntityHeaders(HttpResponse response, ObjectKey key, ObjectInfo info, ResolvedRoute route)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = route.MediaTypes.For(key.Value, info.ContentType);
        // Storage routes only (config/README.md, Headers): on an origin route the origin says how its responses may be
        // cached, and the edge cache's freshness follows it; a policy value on the cache's answers alone overrode an
        // origin's no-cache on a live playlist with the policy's one-year immutable.
        if (route.Store is not null && route.Policy.Headers.CacheControlFor(key.Value) is { } cacheControl)
        {
            response.Headers.CacheControl = cacheControl;
        }

        ReplayOriginHeaders(response, info);
        if (info.ETag.Length > 0)
        {
            response.Headers.ETag = info.ETag;
        }

        if (info.LastModified is { } lastModified)
        {
            response.Headers.LastModified = HeaderUtilities.FormatDate(NotAfterDate(response, lastModified));
        }
        response.Headers.AcceptRanges = "bytes";
        // Stored types come from uploaders: never let a browser sniff an object into something more active.
        response.Headers.XContentTypeOptions = "nosniff";
    }

    /// <summary>
    /// RFC 9110 section 8.8.2.1: an origin server must not send a Last-Modified later than its Date. A cached origin
    /// response carries the origin's own Date (a cache keeps it and adds Age, RFC 9111 section 4.2.3). Otherwise Kestrel
    /// writes a Date it renews once a second, so an object written within the last second, or stamped by a storage
    /// clock ahead of ours, would claim to be modified in the future (caches take that for a broken clock): for such an
    /// object the response carries a Date of its own, and the Last-Modified no later than it.
    /// </summary>
    private static DateTimeOffset NotAfterDate(HttpResponse response, DateTimeOffset lastModified)
    {
        if (HttpDate.TryParse(response.Headers.Date.ToString(), out var replayed))
        {
            return lastModified > replayed ? replayed : lastModified;
        }

        var now = DateTimeOffset.UtcNow;
        if (lastModified < now - RecentlyModified)
        {
            return lastModified;
        }

        var date = HttpDate.TruncateToSeconds(now);
        response.Headers.Date = HttpDate.Format(date);
        return lastModified > date ? date : lastModified;
    }

    /// <summary>Older than Kestrel's Date can be stale by, with a margin: such a Last-Modified is always before it.</summary>
    private static readonly TimeSpan RecentlyModified = TimeSpan.FromSeconds(2);

    /// <summary>A cached origin response's own end-to-end headers (Cache-Control, Expires, Vary, ...); the route policy's Cache-Control wins.</summary>
    private static void ReplayOriginHeaders(HttpResponse response, ObjectInfo info)
    {
        // Asked once, before any line is replayed: asked per line, the origin's own first Cache-Control line hid its second.
        var policyCacheControl = response.Headers.ContainsKey(HeaderNames.CacheControl);
        foreach (var (name, value) in info.Headers ?? [])
        {
            if (!GatewayWritten.Contains(name) && !(policyCacheControl && name.Equals(HeaderNames.CacheControl, StringComparison.OrdinalIgnoreCase)))
            {
                response.Headers.Append(name, value);
            }
        }
    }

    /// <summary>Headers this handler writes itself for every response, cached or not.</summary>
    private static readonly HashSet<string> GatewayWritten = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.ContentType, HeaderNames.ContentLength, HeaderNames.ContentRange, HeaderNames.ETag, HeaderNames.LastModified,
        HeaderNames.AcceptRanges, HeaderNames.XContentTypeOptions, HeaderNames.Age, HeaderNames.TransferEncoding, "Cache-Status",
    };

    /// <summary>The per-part Content-Type of a multipart/byteranges body; a stored type that could inject header lines is dropped.</summary>
    private static string? SafePartContentType(StorageRequest request, ObjectInfo info)
    {
        var type = request.Route.MediaTypes.For(request.Key.Value, info.ContentType);
        return type.All(c => c is >= ' ' and <= '~') ? type : null;
    }

    private static Task NotFoundAsync(StorageRequest request) =>
        ProblemResponder.WriteAsync(request.Context, StatusCodes.Status404NotFound, ErrorCodes.ObjectNotFound,
            $"no object '{request.Key}' on route '{request.RouteId}'");
}
