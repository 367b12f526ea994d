using System.Globalization;
using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Proxy;

/// <summary>Maps a <see cref="StorageException"/> to its HTTP status and error code.</summary>
internal static class StorageErrorResponder
{
    public static Task WriteAsync(HttpContext context, StorageException error)
    {
        var (status, code) = error.Kind switch
        {
            StorageErrorKind.NotFound => (StatusCodes.Status404NotFound, ErrorCodes.ObjectNotFound),
            StorageErrorKind.AccessDenied => (StatusCodes.Status403Forbidden, ErrorCodes.AccessDenied),
            StorageErrorKind.PreconditionFailed => (StatusCodes.Status412PreconditionFailed, ErrorCodes.PreconditionFailed),
            StorageErrorKind.Throttled => (StatusCodes.Status503ServiceUnavailable, ErrorCodes.StorageThrottled),
            StorageErrorKind.Unavailable => (StatusCodes.Status503ServiceUnavailable, ErrorCodes.StorageUnavailable),
            StorageErrorKind.InvalidRequest => (StatusCodes.Status400BadRequest, ErrorCodes.StorageRejected),
            StorageErrorKind.TooLarge => (StatusCodes.Status413PayloadTooLarge, ErrorCodes.UploadTooLarge),
            StorageErrorKind.Timeout => (StatusCodes.Status504GatewayTimeout, ErrorCodes.UpstreamTimeout),
            StorageErrorKind.InsufficientStorage => (StatusCodes.Status507InsufficientStorage, ErrorCodes.InsufficientStorage),
            StorageErrorKind.RangeNotSatisfiable => (StatusCodes.Status416RangeNotSatisfiable, ErrorCodes.RangeNotSatisfiable),
            StorageErrorKind.NotCached => (StatusCodes.Status504GatewayTimeout, ErrorCodes.NotCached),
            _ => (StatusCodes.Status502BadGateway, ErrorCodes.StorageFailed),
        };

        // RFC 9110 section 10.2.3: tell a client hitting a throttled, unavailable or hung store when to come back.
        if (status is not (StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout))
        {
            return ProblemResponder.WriteAsync(context, status, code, error.Message);
        }

        return WriteRetryableAsync(context, status, code, error.Message, error.RetryAfter);
    }

    /// <summary>A 503 or 504 with a Retry-After (at least one second).</summary>
    public static Task WriteRetryableAsync(HttpContext context, int status, string code, string detail, TimeSpan? retryAfter = null)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
        return ProblemResponder.WriteAsync(context, status, code, detail,
            headers => headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture));
    }
}
