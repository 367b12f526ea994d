using System.Net;
using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// Whether the answer to a miss's look at the origin (a GET of the slice the client reads first, or of one byte for a
/// HEAD, with the client's If-None-Match and If-Modified-Since when nothing was stored to revalidate, and none of its
/// other conditionals) is also the answer to the client's request as it came, so that a response the cache does not
/// store is passed on instead of being asked for a second time.
/// </summary>
internal static class OriginAnswer
{
    /// <summary>Preconditions the look never sends: the gateway evaluates them against what it stores.</summary>
    private static readonly string[] Preconditions = ["If-Match", "If-Unmodified-Since", "If-Range"];

    private static readonly string[] Validators = ["If-None-Match", "If-Modified-Since"];

    /// <summary>
    /// The response to pass on (a 206 covering the whole object becomes the 200 a request without a range gets, and
    /// any 206 the 200 a HEAD gets; a HEAD's has no body), or null. <paramref name="validatorsSent"/>: the look carried
    /// the client's validators.
    /// </summary>
    public static HttpResponseMessage? ForRequest(HttpResponseMessage response, Func<string, string?> requestHeader, bool isHead, bool validatorsSent)
    {
        var answer = Answering(response, requestHeader, isHead, validatorsSent);
        if (answer is not null && isHead)
        {
            var body = answer.Content;
            answer.Content = new HeadersOnlyContent(body);
            body.Dispose(); // The look's GET body, up to a slice or a whole object from an origin that ignores ranges.
        }

        return answer;
    }

    private static HttpResponseMessage? Answering(HttpResponseMessage response, Func<string, string?> requestHeader, bool isHead, bool validatorsSent)
    {
        if (Preconditions.Any(name => requestHeader(name) is not null)
            || (!validatorsSent && Validators.Any(name => requestHeader(name) is not null))
            || response.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.RequestedRangeNotSatisfiable
            || (response.StatusCode == HttpStatusCode.NotModified && !validatorsSent))
        {
            return null;
        }

        if (response.StatusCode != HttpStatusCode.PartialContent)
        {
            // A 200 from an origin that ignores ranges, a 304 to the client's own validators, an error or a redirect:
            // the range asked for did not shape it.
            return response;
        }

        if (isHead && response.Content.Headers.ContentRange is { Length: { } whole })
        {
            // RFC 9110 section 9.3.2: the header fields of a GET without a range; the one byte read is never sent.
            return Whole(response, whole);
        }

        // Only a part that is the whole object answers the client too; a part of a larger one does not.
        if (response.Content.Headers.ContentRange is not { From: 0, To: { } last, Length: { } length } || last != length - 1)
        {
            return null;
        }

        var ranges = RangeHeaderParser.Parse(requestHeader("Range"));
        if (ranges is null)
        {
            // RFC 9110 section 15.3.1: without a range the answer is the whole representation, with 200.
            return Whole(response, length);
        }

        return ranges is [{ First: 0, Last: null }] || ranges is [{ First: 0, Last: { } asked }] && asked >= last ? response : null;
    }

    private static HttpResponseMessage Whole(HttpResponseMessage response, long length)
    {
        response.StatusCode = HttpStatusCode.OK;
        response.ReasonPhrase = null;
        response.Content.Headers.ContentRange = null;
        response.Content.Headers.ContentLength = length;
        return response;
    }
}
