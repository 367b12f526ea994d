using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>Turns AWSSDK failures into <see cref="StorageException"/>s the HTTP layer knows how to answer.</summary>
internal static class S3ErrorTranslator
{
    public static bool IsNotFound(AmazonS3Exception ex) =>
        ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode != "NoSuchBucket";

    public static StorageException Translate(Exception ex, string what) => ex switch
    {
        AmazonS3Exception s3 => Translate(s3, what),
        _ when IsConnectionFailure(ex) => new StorageException(StorageErrorKind.Unavailable, $"S3 is unreachable while {what}", ex),
        _ => new StorageException(StorageErrorKind.Failed, $"S3 failed while {what}", ex),
    };

    /// <summary>Also when the SDK wraps it (a retry that could not rewind a streamed part ends in its client exception).</summary>
    public static bool IsConnectionFailure(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is HttpRequestException or AmazonServiceException or IOException or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    private static StorageException Translate(AmazonS3Exception ex, string what)
    {
        var kind = ex.StatusCode switch
        {
            HttpStatusCode.NotFound => StorageErrorKind.NotFound,
            HttpStatusCode.Forbidden => StorageErrorKind.AccessDenied,
            HttpStatusCode.PreconditionFailed => StorageErrorKind.PreconditionFailed,
            // S3 documents both of its 503s (SlowDown, ServiceUnavailable) as "reduce your request rate", and a 503 to a
            // HEAD has no body to name either: every 503 is throttling, so GET and HEAD of one object answer alike.
            HttpStatusCode.ServiceUnavailable => StorageErrorKind.Throttled,
            HttpStatusCode.TooManyRequests => StorageErrorKind.Throttled,
            // The gateway sent the checksum it computed itself, so a body S3 found otherwise was damaged on the way to
            // S3 (a client's own digest is checked before anything is sent): the upstream's failure, not the client's.
            HttpStatusCode.BadRequest when ex.ErrorCode == "BadDigest" => StorageErrorKind.Failed,
            >= HttpStatusCode.InternalServerError => StorageErrorKind.Unavailable,
            HttpStatusCode.BadRequest => StorageErrorKind.InvalidRequest,
            _ => StorageErrorKind.Failed,
        };
        return new StorageException(kind, $"S3 answered {(int)ex.StatusCode} {ex.ErrorCode} while {what}", ex);
    }
}
