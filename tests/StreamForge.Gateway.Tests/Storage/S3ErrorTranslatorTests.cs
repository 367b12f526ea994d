using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using StreamForge.Gateway.Storage;
using StreamForge.Gateway.Storage.S3;

namespace StreamForge.Gateway.Tests.Storage;

public sealed class S3ErrorTranslatorTests
{
    [Theory]
    [InlineData(HttpStatusCode.NotFound, "NoSuchKey", "NotFound")]
    [InlineData(HttpStatusCode.Forbidden, "AccessDenied", "AccessDenied")]
    [InlineData(HttpStatusCode.PreconditionFailed, "PreconditionFailed", "PreconditionFailed")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "SlowDown", "Throttled")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "Throttled")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "", "Throttled")] // a HEAD's answer: no body, no code
    [InlineData(HttpStatusCode.InternalServerError, "InternalError", "Unavailable")]
    [InlineData(HttpStatusCode.BadRequest, "InvalidArgument", "InvalidRequest")]
    [InlineData(HttpStatusCode.BadRequest, "BadDigest", "Failed")]
    [InlineData(HttpStatusCode.Conflict, "OperationAborted", "Failed")]
    public void Maps_s3_answers_to_storage_errors(HttpStatusCode status, string code, string expected)
    {
        var error = new AmazonS3Exception("boom", ErrorType.Sender, code, "req-1", status);

        var translated = S3ErrorTranslator.Translate(error, "testing");

        Assert.Equal(Enum.Parse<StorageErrorKind>(expected), translated.Kind);
        Assert.Contains(code, translated.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_bucket_is_not_a_missing_object()
    {
        Assert.False(S3ErrorTranslator.IsNotFound(new AmazonS3Exception("x", ErrorType.Sender, "NoSuchBucket", "r", HttpStatusCode.NotFound)));
        Assert.True(S3ErrorTranslator.IsNotFound(new AmazonS3Exception("x", ErrorType.Sender, "NoSuchKey", "r", HttpStatusCode.NotFound)));
    }

    [Fact]
    public void Connection_failures_mean_unavailable()
    {
        Assert.Equal(StorageErrorKind.Unavailable, S3ErrorTranslator.Translate(new HttpRequestException("refused"), "x").Kind);
    }
}
