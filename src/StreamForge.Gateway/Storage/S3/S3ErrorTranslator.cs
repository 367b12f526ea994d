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
        HttpRequestException or AmazonServiceException or IOException or TimeoutException =>
            new StorageException(StorageErrorKind.Unavailable, $"S3 is unreachable while {what}", ex),
        _ => new StorageException(StorageErrorKind.Failed, $"S3 failed while {what}", ex),
    };

    private static StorageException Translate(AmazonS3Exception ex, string what)
    {
        var kind = ex.StatusCode switch
        {
            HttpStatusCode.NotFound => StorageErrorKind.NotFound,
            HttpStatusCode.Forbidden => StorageErrorKind.AccessDenied,
            HttpStatusCode.PreconditionFailed => StorageErrorKind.PreconditionFailed,
            HttpStatusCode.ServiceUnavailable when ex.ErrorCode == "SlowDown" => StorageErrorKind.Throttled,
            HttpStatusCode.TooManyRequests => StorageErrorKind.Throttled,
            >= HttpStatusCode.InternalServerError => StorageErrorKind.Unavailable,
            HttpStatusCode.BadRequest => StorageErrorKind.InvalidRequest,
            _ => StorageErrorKind.Failed,
        };
        return new StorageException(kind, $"S3 answered {(int)ex.StatusCode} {ex.ErrorCode} while {what}", ex);
    }
}
