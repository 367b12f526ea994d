using System.Globalization;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Errors;

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
            StorageErrorKind.InsufficientStorage => (StatusCodes.Status507InsufficientStorage, ErrorCodes.InsufficientStorage),
            _ => (StatusCodes.Status502BadGateway, ErrorCodes.StorageFailed),
        };

        // RFC 9110 section 10.2.3: tell a client hitting a throttled or unavailable store when to come back.
        if (status != StatusCodes.Status503ServiceUnavailable)
        {
            return ProblemResponder.WriteAsync(context, status, code, error.Message);
        }

        var seconds = Math.Max(1, (int)Math.Ceiling((error.RetryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
        return ProblemResponder.WriteAsync(context, status, code, error.Message,
            headers => headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture));
    }
}
