namespace StreamForge.Gateway.Diagnostics;

/// <summary>Source-generated log messages; event ids are stable so alerts can key on them.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1, LogLevel.Information, "Storage cluster {ClusterId} serves {Description}")]
    public static partial void StorageClusterReady(ILogger logger, string clusterId, string description);

    [LoggerMessage(2, LogLevel.Warning, "Stream on route {RouteId} for {Key} ended after {Bytes} bytes: {Outcome}")]
    public static partial void StreamEndedEarly(ILogger logger, string routeId, string key, long bytes, string outcome, Exception? error);

    /// <summary>The client closed or reset its connection mid-body: what a player does on every seek, so not a warning.</summary>
    [LoggerMessage(28, LogLevel.Information, "Client left the stream on route {RouteId} for {Key} after {Bytes} bytes: {Outcome}")]
    public static partial void ClientLeftStream(ILogger logger, string routeId, string key, long bytes, string outcome, Exception? error);

    [LoggerMessage(3, LogLevel.Warning, "Storage call on route {RouteId} for {Key} failed: {Kind}")]
    public static partial void StorageFailed(ILogger logger, string routeId, string key, string kind, Exception error);

    [LoggerMessage(4, LogLevel.Information, "Upload on route {RouteId} for {Key} stored {Bytes} bytes")]
    public static partial void UploadStored(ILogger logger, string routeId, string key, long bytes);

    [LoggerMessage(5, LogLevel.Warning, "Upload on route {RouteId} for {Key} failed")]
    public static partial void UploadFailed(ILogger logger, string routeId, string key, Exception error);

    [LoggerMessage(6, LogLevel.Warning, "Rejected request target {Target}: {Problem}")]
    public static partial void RejectedTarget(ILogger logger, string target, string problem);

    [LoggerMessage(7, LogLevel.Information, "Aborted multipart upload {UploadId} of s3://{Bucket}/{Key} after {Cause}")]
    public static partial void MultipartAborted(ILogger logger, string bucket, string key, string uploadId, string cause);

    [LoggerMessage(8, LogLevel.Error, "Gave up aborting multipart upload {UploadId} of s3://{Bucket}/{Key}; a bucket lifecycle rule must clean it up")]
    public static partial void MultipartAbortFailed(ILogger logger, string bucket, string key, string uploadId, Exception error);

    [LoggerMessage(9, LogLevel.Error, "Redis is unreachable for rate limit policy {Policy}; failing {Mode}")]
    public static partial void RedisUnavailable(ILogger logger, string policy, string mode, Exception error);

    [LoggerMessage(10, LogLevel.Information, "{Command}: {Line}")]
    public static partial void PipeStderr(ILogger logger, string command, string line);

    [LoggerMessage(20, LogLevel.Warning, "Could not abort multipart upload {UploadId} of s3://{Bucket}/{Key} (attempt {Attempt}); retrying in {Delay}")]
    public static partial void MultipartAbortRetrying(ILogger logger, string bucket, string key, string uploadId, int attempt, TimeSpan delay, Exception error);

    [LoggerMessage(21, LogLevel.Warning, "Rejected request framing: {Problem}")]
    public static partial void RejectedFraming(ILogger logger, string problem);

    [LoggerMessage(22, LogLevel.Error, "Configuration change refused; the previous configuration keeps serving. {Problems}")]
    public static partial void ConfigurationRefused(ILogger logger, string problems);

    [LoggerMessage(11, LogLevel.Information, "Removed temp file {Path} ({Bytes} bytes): no writer holds it, so its upload was cut short (e.g. by a crash)")]
    public static partial void TempFileRemoved(ILogger logger, string path, long bytes);

    [LoggerMessage(12, LogLevel.Warning, "Removed temp file {Path} ({Bytes} bytes): not written for over {MaxAge}")]
    public static partial void StaleTempFileRemoved(ILogger logger, string path, long bytes, TimeSpan maxAge);

    [LoggerMessage(13, LogLevel.Warning, "Could not sweep temp file(s) in {Path}")]
    public static partial void TempSweepFailed(ILogger logger, string path, Exception error);

    [LoggerMessage(14, LogLevel.Warning, "File locks are not enforced in {Folder}: only temp files not written for over {MaxAge} are removed")]
    public static partial void TempFileLocksNotEnforced(ILogger logger, string folder, TimeSpan maxAge);

    [LoggerMessage(30, LogLevel.Error, "Could not write the access log in {Directory}; lines are lost until it is writable")]
    public static partial void AccessLogFailed(ILogger logger, string directory, Exception error);

    [LoggerMessage(23, LogLevel.Information, "Resumable upload {UploadId} on route {RouteId} for {Key} stored {Bytes} bytes")]
    public static partial void ResumableCompleted(ILogger logger, string routeId, string uploadId, string key, long bytes);

    [LoggerMessage(24, LogLevel.Information, "Resumable upload {UploadId} for {Key} expired and was removed")]
    public static partial void ResumableExpired(ILogger logger, string uploadId, string key);

    [LoggerMessage(25, LogLevel.Warning, "Resumable uploads could not be swept in {Store}")]
    public static partial void ResumableSweepFailed(ILogger logger, string store, Exception error);

    [LoggerMessage(26, LogLevel.Warning, "Resumable upload {UploadId} on route {RouteId} failed")]
    public static partial void ResumableFailed(ILogger logger, string routeId, string uploadId, Exception error);

    [LoggerMessage(27, LogLevel.Error, "s3://{Bucket}/{Key} holds other bytes than were sent and could not be removed")]
    public static partial void CorruptObjectNotRemoved(ILogger logger, string bucket, string key, Exception error);

    [LoggerMessage(32, LogLevel.Warning, "Could not renew {Count} stream permits in Redis; they expire unless a later renewal succeeds")]
    public static partial void RedisLeasesNotRenewed(ILogger logger, int count, Exception error);

    [LoggerMessage(31, LogLevel.Warning, "S3's answer to the last call storing s3://{Bucket}/{Key} was lost; the key holds this upload ({ETag})")]
    public static partial void LostAnswerStored(ILogger logger, string bucket, string key, string etag);
}
