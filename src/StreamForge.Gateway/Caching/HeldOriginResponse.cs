using System.Net;
using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// The answer to a miss's look at the origin, whose body is the slice its client reads first (or the whole body, from
/// an origin that ignores ranges): kept unread so that the fill of that slice takes it instead of asking the origin
/// again, and a miss costs one origin request, not two. Taken at most once; whatever nobody takes is disposed when the
/// request that saw it ends, which closes the origin connection mid-body.
/// </summary>
internal sealed class HeldOriginResponse(string versionTag, HttpResponseMessage response, long first) : IDisposable
{
    private HttpResponseMessage? _response = response;

    /// <summary>
    /// The response, when it still waits and its body serves <paramref name="span"/> of the version tagged
    /// <paramref name="tag"/>: it holds the span's first byte (a slice's fill takes it from its start; a read inside the
    /// slice, while the cache cannot store, skips into it; an origin that sent less than the slice is asked for the
    /// rest), or it is a whole body (200) that the reader skips into.
    /// </summary>
    public HttpResponseMessage? TryTake(string tag, ByteSpan span)
    {
        if (tag != versionTag || Volatile.Read(ref _response) is not { } waiting)
        {
            return null;
        }

        var serves = waiting.StatusCode == HttpStatusCode.OK
            ? first == 0
            : first <= span.First && waiting.Content.Headers.ContentRange?.To >= span.First;
        return serves ? Interlocked.CompareExchange(ref _response, null, waiting) : null;
    }

    public void Dispose() => Interlocked.Exchange(ref _response, null)?.Dispose();
}
