using System.Net;
using System.Net.Http.Headers;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// Reads of a stored version's missing spans from an HTTP origin for one request, pinned to the version (If-Match on a
/// strong ETag, else If-Unmodified-Since) and checked against it: an answer of another version (a 412, or validators
/// or a length that differ, from an origin that ignores the pin) drops the version and fails the read, so no response
/// mixes two. A part shorter than asked is continued (<see cref="ContinuedRangeStream"/>).
/// </summary>
/// <param name="findTarget">The origin's URL and client, worked out once per request.</param>
internal sealed class OriginPinnedReads(EdgeCache cache, CacheTrace trace, Func<Task<OriginTarget>> findTarget)
{
    /// <summary>How a read of <paramref name="version"/> gets a span from the origin: from the look's held answer when that holds its first byte, else with a pinned GET.</summary>
    /// <param name="held">The look's answer a read may take instead of asking the origin, as it stands when the read starts.</param>
    public UpstreamRead Of(ObjectKey key, CachedVersion version, Func<HeldOriginResponse?> held) => async (span, token) =>
    {
        var response = held()?.TryTake(version.Tag, span) ?? await SendAsync(key, version, span, token);
        var body = await BodyFromAsync(key, version, span.First, response, token);
        var rest = async (long from, CancellationToken cancellationToken) =>
        {
            var more = await SendAsync(key, version, new ByteSpan(from, span.Last), cancellationToken);
            return (await BodyFromAsync(key, version, from, more, cancellationToken), (IDisposable)more);
        };
        return new ObjectContent(version.Info, new ContinuedRangeStream(body, response, span.First, span.Last, rest), span);
    };

    /// <summary>The body of an answer to a pinned read, from byte <paramref name="from"/>; the response is disposed when it is not one.</summary>
    private async Task<Stream> BodyFromAsync(ObjectKey key, CachedVersion version, long from, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.PartialContent && !IsOf(version, response))
            {
                // An origin that ignores If-Match and If-Unmodified-Since answers with the new version: its bytes must not
                // be spliced onto the old one's (RFC 9110 section 15.3.7.3 combines parts of one strong validator only).
                cache.Drop(version);
                trace.Reopen();
                throw new StorageException(StorageErrorKind.PreconditionFailed, $"'{key}' changed at the origin, which ignored the pin");
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            switch (response.StatusCode)
            {
                case HttpStatusCode.PartialContent when response.Content.Headers.ContentRange is { From: { } first, To: { } last } && first <= from && from <= last:
                    await StreamSkipping.SkipAsync(body, from - first, Timeout.InfiniteTimeSpan, cancellationToken); // A held slice that a read inside it takes (the cache paused).
                    return body;
                case HttpStatusCode.OK:
                    await StreamSkipping.SkipAsync(body, from, Timeout.InfiniteTimeSpan, cancellationToken); // An origin that ignores ranges: its body from the start.
                    return body;
                case HttpStatusCode.PreconditionFailed:
                    // The origin changed under a version not wholly stored: it goes, so that the next request probes
                    // the new one instead of failing on this one's missing slices until it expires.
                    cache.Drop(version);
                    trace.Reopen();
                    throw new StorageException(StorageErrorKind.PreconditionFailed, $"'{key}' changed at the origin");
                default:
                    throw new StorageException(StorageErrorKind.Unavailable, $"the origin answered {(int)response.StatusCode} to a slice read of '{key}'");
            }
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(ObjectKey key, CachedVersion version, ByteSpan span, CancellationToken cancellationToken)
    {
        if (version.Unpinnable)
        {
            // No read of it can be pinned: it goes, as a version the origin changed (412 below) does, and the request
            // is planned again on what the origin has now when it has sent nothing yet.
            cache.Drop(version);
            trace.Reopen();
            throw new StorageException(StorageErrorKind.PreconditionFailed, $"'{key}' has no validator to read it again by");
        }

        var target = await findTarget();
        using var request = target.NewRequest();
        if (!version.WholeBodyOnly)
        {
            request.Headers.Range = new RangeHeaderValue(span.First, span.Last);
        }

        Pin(request, version);
        return await target.Client.SendAsync(request, cancellationToken);
    }

    /// <summary>Whether a slice read's answer is of <paramref name="version"/>: the same validators, where it sends them, and length.</summary>
    private static bool IsOf(CachedVersion version, HttpResponseMessage response)
    {
        var length = response.StatusCode == HttpStatusCode.PartialContent ? response.Content.Headers.ContentRange?.Length : response.Content.Headers.ContentLength;
        return (length is null || length == version.Length)
            && (response.Headers.ETag is not { } etag || etag.ToString() == version.ETag)
            && (response.Content.Headers.LastModified is not { } lastModified || version.LastModified is null || lastModified == version.LastModified);
    }

    /// <summary>If-Match on a strong ETag (RFC 9110 section 13.1.1 compares strongly), else If-Unmodified-Since.</summary>
    private static void Pin(HttpRequestMessage request, CachedVersion version)
    {
        if (version.ETag.Length > 0 && !version.ETag.StartsWith("W/", StringComparison.Ordinal))
        {
            request.Headers.TryAddWithoutValidation("If-Match", version.ETag);
        }
        else
        {
            request.Headers.IfUnmodifiedSince = version.LastModified; // Set: a version without a strong ETag has a date.
        }
    }
}
