using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Routing;
using StreamForge.Gateway.Streaming;
using Yarp.ReverseProxy.Transforms;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// For origins that ignore Range (answer 200 to a ranged GET): when the route's policy asks for it, the gateway
/// turns the 200 into a correct 206 (or 416) by passing on only the requested window of the body. The bytes before
/// the window are read and dropped, and the origin's connection is let go after it: emulation saves the client's
/// bandwidth and gives players a seekable response, not the upstream egress up to the window's end.
/// </summary>
internal static class OriginRangeEmulation
{
    private static readonly object RequestedRangeKey = new();

    /// <summary>Remembers a single, valid range of the request, for the response transform.</summary>
    public static void Remember(HttpContext context, IReadOnlyList<RangeSpec> specs)
    {
        if (specs.Count == 1 && HttpMethods.IsGet(context.Request.Method))
        {
            context.Items[RequestedRangeKey] = specs;
        }
    }

    public static ValueTask ApplyAsync(ResponseTransformContext transform)
    {
        var context = transform.HttpContext;
        // The header first: a range is remembered only while the request keeps it, and most requests have none (Items
        // would make them a dictionary feature each).
        if (transform.ProxyResponse is not { StatusCode: System.Net.HttpStatusCode.OK } response
            || context.Request.Headers.Range.Count == 0
            || context.Items[RequestedRangeKey] is not IReadOnlyList<RangeSpec> specs
            || !context.GetResolvedRoute().Policy.Range.EmulateForOrigins
            || response.Content.Headers.ContentLength is not { } length
            || !IfRangeHolds(context.Request, response))
        {
            // Without a length there is no Content-Range to write; a false If-Range asks for the whole 200.
            return ValueTask.CompletedTask;
        }

        var decision = RangeNormalizer.Normalize(specs, length, new RangeLimits(1, AbusiveRangeAction.ServeFull));
        var headers = context.Response.Headers;
        headers.AcceptRanges = "bytes";
        if (decision.Kind == RangeDecisionKind.Unsatisfiable)
        {
            // Answered as the storage routes answer it (problem+json, stable code); the origin's body is not read.
            transform.SuppressResponseBody = true;
            return new ValueTask(ProblemResponder.WriteAsync(context, StatusCodes.Status416RangeNotSatisfiable, ErrorCodes.RangeNotSatisfiable,
                $"no requested range starts within the {length} bytes of the origin's response",
                problemHeaders =>
                {
                    problemHeaders.ContentRange = ContentRangeFormatter.FormatUnsatisfied(length);
                    problemHeaders.AcceptRanges = "bytes";
                }));
        }
        else if (decision.Kind == RangeDecisionKind.Single)
        {
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            headers.ContentRange = ContentRangeFormatter.Format(decision.Span, length);
            context.Response.ContentLength = decision.Span.Length;
            if (context.Features.Get<OriginResponseCopy>() is { } copy)
            {
                copy.Window = decision.Span; // The gateway's copy passes on the window and lets the origin go after it.
            }
            else
            {
                // A GET with a body of its own, whose answer YARP copies: it drops what falls outside the window.
                context.Response.Body = new WindowWriteStream(context.Response.Body, decision.Span.First, decision.Span.Length);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// RFC 9110 section 13.1.5, against the origin's own validators: Chromium sends closed ranges with If-Range once
    /// a response was cacheable, so a matching If-Range must still get its 206 (skipping emulation made every seek
    /// a whole-file read). No If-Range holds trivially; one that matches nothing gets the whole body.
    /// </summary>
    private static bool IfRangeHolds(HttpRequest request, HttpResponseMessage response) =>
        IfRangeEvaluator.RangeApplies(
            HttpSyntax.FieldValue(request.Headers.IfRange),
            response.Headers.ETag?.ToString() ?? string.Empty,
            response.Content.Headers.LastModified);
}
