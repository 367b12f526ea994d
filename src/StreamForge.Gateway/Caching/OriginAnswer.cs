using System.Net;
using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// Whether the answer to a miss's look at the origin (a GET of the slice the client reads first, without the client's
/// conditionals) is also the answer to the client's request as it came, so that a response the cache does not store
/// is passed on instead of being asked for a second time. Only for requests without conditionals: the look did not
/// send them.
/// </summary>
internal static class OriginAnswer
{
    private static readonly string[] Conditionals = ["If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since", "If-Range"];

    /// <summary>The response to pass on (a 206 covering the whole object becomes the 200 a request without a range gets), or null.</summary>
    public static HttpResponseMessage? ForRequest(HttpResponseMessage response, Func<string, string?> requestHeader)
    {
        if (Conditionals.Any(name => requestHeader(name) is not null)
            || response.StatusCode is HttpStatusCode.NotModified or HttpStatusCode.PreconditionFailed or HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return null;
        }

        if (response.StatusCode != HttpStatusCode.PartialContent)
        {
            // A 200 from an origin that ignores ranges, an error or a redirect: the range asked for did not shape it.
            return response;
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
            response.StatusCode = HttpStatusCode.OK;
            response.ReasonPhrase = null;
            response.Content.Headers.ContentRange = null;
            return response;
        }

        return ranges is [{ First: 0, Last: null }] || ranges is [{ First: 0, Last: { } asked }] && asked >= last ? response : null;
    }
}
