using Microsoft.AspNetCore.Http.Features;
using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Streaming;
using StreamForge.Gateway.Throttling;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// The body of an origin's answer to a request without a body (a player's GET), copied by the gateway instead of
/// YARP. YARP reads into a 64 KiB buffer of its own, which no setting sizes, and writes it into the response stream,
/// where Kestrel copies it again. Here each <c>Buffer:ChunkSize</c> chunk is read straight into the response's pipe
/// (<see cref="StreamCopier"/>, as storage downloads are): one copy of every byte fewer, one flush per chunk, paced,
/// metered and timed by the same <see cref="StreamPacer"/>. Measured by hand (curl, 1 GiB from nginx, five
/// interleaved rounds, gateway CPU s/GB): 1.45-1.67 against 1.55-2.01 through YARP's copy at 64 KiB chunks, and
/// 1.17-1.35 at 256 KiB; bare YARP 1.28-1.88 in the same rounds.
/// <para>
/// OriginStreamMiddleware puts one on every bodiless request; YARP applies <see cref="ApplyAsync"/> as the last response
/// transform, which copies the body and tells YARP not to (<see cref="ResponseTransformContext.SuppressResponseBody"/>),
/// then passes the origin's trailers on as YARP would. The outcome is answered by the middleware through
/// <see cref="CopyOutcomeResponder"/>, as for storage: a failure before the first byte is a problem answer, after it the
/// connection is cut; a failure of the origin's side is also reported to YARP (<see cref="IForwarderErrorFeature"/>),
/// so that its passive health checks count it as they counted a failure of YARP's own copy.
/// </para>
/// </summary>
internal sealed class OriginResponseCopy(
    IHttpResponseBodyFeature destination, BufferPolicy buffer, StreamThrottle throttle, ICopyObserver meter)
{
    /// <summary>YARP's own default for a cluster without <c>HttpRequest:ActivityTimeout</c> (its HttpForwarder).</summary>
    private static readonly TimeSpan DefaultActivityTimeout = TimeSpan.FromSeconds(100);

    /// <summary>How the copy ended; null when YARP copied the body (or there was none).</summary>
    public CopyResult? Result { get; private set; }

    /// <summary>
    /// The only bytes of the origin's body to pass on, when ranges are emulated (OriginRangeEmulation.cs): those before
    /// are read and dropped, and the copy ends after the last, so the origin's connection is let go at once instead of
    /// being read to the end of a body nobody will see.
    /// </summary>
    public ByteSpan? Window { get; set; }

    public static async ValueTask ApplyAsync(ResponseTransformContext transform)
    {
        var context = transform.HttpContext;
        if (transform.ProxyResponse is not { } response
            || transform.SuppressResponseBody // An earlier transform answered without the origin's body (an emulated 416).
            || context.Features.Get<OriginResponseCopy>() is not { } copy
            || !HasBody(context, response))
        {
            return;
        }

        transform.SuppressResponseBody = true;
        var result = await copy.CopyAsync(context, response);
        copy.Result = result;
        if (result.IsSuccess)
        {
            // What YARP does after its own copy: trailers go on where the client's protocol carries them.
            await context.GetReverseProxyFeature().Route.Transformer.TransformResponseTrailersAsync(context, response, context.RequestAborted);
        }
        else if (result.Outcome is CopyOutcome.SourceFailed or CopyOutcome.SourceStalled)
        {
            context.Features.Set<IForwarderErrorFeature>(new OriginBodyError(result.Error));
        }
    }

    /// <summary>
    /// 1xx, 204 and 304 have no body, nor has an answer to HEAD. Upgrades are YARP's to carry on: a WebSocket request
    /// YARP sends as an HTTP/2 extended CONNECT is answered 200, and YARP turns that into the client's 101.
    /// </summary>
    private static bool HasBody(HttpContext context, HttpResponseMessage response) =>
        (int)response.StatusCode is >= 200 and not StatusCodes.Status204NoContent and not StatusCodes.Status304NotModified
        && !HttpMethods.IsHead(context.Request.Method)
        && !HttpMethods.IsConnect(context.Request.Method)
        && response.RequestMessage?.Method != HttpMethod.Connect
        && context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest != true;

    private async Task<CopyResult> CopyAsync(HttpContext context, HttpResponseMessage response)
    {
        // The source's reads are bounded by the cluster's activity timeout, as YARP's copy would be; the client's
        // writes by the route's stall timeout.
        var activityTimeout = context.GetReverseProxyFeature().Cluster?.Config.HttpRequest?.ActivityTimeout ?? DefaultActivityTimeout;
        // Chunked framing outranks a Content-Length beside it (RFC 9112 section 6.3); the copy must not wait for that length.
        var length = response.Headers.TransferEncodingChunked == true ? null : response.Content.Headers.ContentLength;
        var options = new CopyOptions(buffer.ChunkSize, buffer.StallTimeout, length, throttle, meter, activityTimeout);
        // Not the transform's token: that is YARP's activity timer, which nothing resets while this copy runs.
        var aborted = context.RequestAborted;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(aborted);
            var source = body;
            if (Window is { } window)
            {
                // Dropped at full speed, unthrottled: only the window is the client's.
                await StreamSkipping.SkipAsync(body, window.First, activityTimeout, aborted);
                source = new LengthLimitedReadStream(body, window.Length);
                options = options with { ExpectedLength = window.Length };
            }

            // Straight into Kestrel's pipe when nothing stands between: the access log's counter passes pipe writes
            // through. Response compression stands between when the client accepts brotli or gzip for a path without a
            // media extension (MediaAwareCompressionProvider keeps it off the rest), even when it will not compress,
            // and nothing reaches Kestrel's pipe without a copy then: its pipe is an adapter that fills a buffer of its
            // own and writes it to its stream. The chunks go to that stream through the copy's one pooled buffer
            // instead, as YARP's copy went: one buffer rented per stream, not one per flush.
            return destination is CountingResponseBody
                ? await StreamCopier.CopyAsync(source, destination.Writer, options, aborted)
                : await StreamCopier.CopyAsync(source, destination.Stream, options, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return new CopyResult(CopyOutcome.Canceled, 0);
        }
        catch (TimeoutException)
        {
            return new CopyResult(CopyOutcome.SourceStalled, 0);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return new CopyResult(CopyOutcome.SourceFailed, 0, ex);
        }
    }
}
