using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// RFC 9110 section 13.1 preconditions on writes: If-Match (lost-update protection), If-None-Match: *
/// (create only) and If-Unmodified-Since, evaluated against the stored object before a byte is read.
/// The check and the write are not atomic: a writer racing between them can still win.
/// </summary>
internal static class WritePreconditions
{
    /// <summary>True when the write may go ahead; otherwise a 412 has been written.</summary>
    public static async Task<bool> CheckAsync(StorageRequest request)
    {
        var headers = request.Context.Request.Headers;
        if (headers.IfMatch.Count == 0 && headers.IfNoneMatch.Count == 0 && headers.IfUnmodifiedSince.Count == 0)
        {
            return true;
        }

        ObjectInfo? current;
        try
        {
            current = await request.Store.HeadAsync(request.Key, request.Context.RequestAborted);
        }
        catch (StorageException ex)
        {
            await StorageErrorResponder.WriteAsync(request.Context, ex);
            return false;
        }

        var passes = current is null
            // No current representation: If-Match cannot hold (RFC 9110 section 13.1.1), If-None-Match always does, and
            // If-Unmodified-Since is ignored, as for any resource without a modification date (section 13.1.4).
            ? headers.IfMatch.Count == 0
            : ConditionalRequestEvaluator.Evaluate(
                new ConditionalHeaders(headers.IfMatch.ToString(), headers.IfNoneMatch.ToString(), null, headers.IfUnmodifiedSince.ToString()),
                isGetOrHead: false, current.ETag, current.LastModified) == ConditionalOutcome.Proceed;
        if (!passes)
        {
            await ProblemResponder.WriteAsync(request.Context, StatusCodes.Status412PreconditionFailed, ErrorCodes.PreconditionFailed,
                current is null ? $"'{request.Key}' does not exist" : $"'{request.Key}' is now {current.ETag}; nothing was stored");
        }

        return passes;
    }
}
