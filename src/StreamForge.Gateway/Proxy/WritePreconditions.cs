using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// RFC 9110 section 13.1 preconditions on writes: If-Match (lost-update protection), If-None-Match: *
/// (create only) and If-Unmodified-Since, evaluated against the stored object before a byte is read; and whether the
/// key holds an object at all, which decides between 201 and 200 (section 9.3.4). The check and the write are not
/// atomic: a writer racing between them can still win.
/// </summary>
internal static class WritePreconditions
{
    /// <summary>The write may go ahead; otherwise a 412 (or storage's error) has been written.</summary>
    public static async Task<WriteAdmission> CheckAsync(StorageRequest request)
    {
        var headers = request.Context.Request.Headers;
        var conditional = headers.IfMatch.Count > 0 || headers.IfNoneMatch.Count > 0 || headers.IfUnmodifiedSince.Count > 0;
        ObjectInfo? current;
        try
        {
            current = await request.Store.HeadAsync(request.Key, request.Context.RequestAborted);
        }
        catch (StorageException) when (!conditional)
        {
            // Only the status code hangs on it: the write itself will find out whether storage answers.
            return new WriteAdmission(Proceed: true, Existed: null);
        }
        catch (StorageException ex)
        {
            await StorageErrorResponder.WriteAsync(request.Context, ex);
            return new WriteAdmission(Proceed: false, Existed: null);
        }

        var passes = !conditional || (current is null
            // No current representation: If-Match cannot hold (RFC 9110 section 13.1.1), If-None-Match always does, and
            // If-Unmodified-Since is ignored, as for any resource without a modification date (section 13.1.4).
            ? headers.IfMatch.Count == 0
            : ConditionalRequestEvaluator.Evaluate(
                new ConditionalHeaders(HttpSyntax.FieldValue(headers.IfMatch), HttpSyntax.FieldValue(headers.IfNoneMatch), null, HttpSyntax.FieldValue(headers.IfUnmodifiedSince)),
                isGetOrHead: false, current.ETag, current.LastModified) == ConditionalOutcome.Proceed);
        if (!passes)
        {
            await ProblemResponder.WriteAsync(request.Context, StatusCodes.Status412PreconditionFailed, ErrorCodes.PreconditionFailed,
                current is null ? $"'{request.Key}' does not exist" : $"'{request.Key}' is now {current.ETag}; nothing was stored");
        }

        return new WriteAdmission(passes, current is not null);
    }
}

/// <param name="Proceed">Whether the write may go ahead (false: the answer has been written).</param>
/// <param name="Existed">Whether the key held an object before the write; null when storage could not say.</param>
internal readonly record struct WriteAdmission(bool Proceed, bool? Existed)
{
    /// <summary>RFC 9110 section 9.3.4: 201 when the write created the object, 200 when it replaced one (or storage could not say).</summary>
    public int SuccessStatus => Existed == false ? StatusCodes.Status201Created : StatusCodes.Status200OK;
}
