namespace StreamForge.Gateway.Errors;

/// <summary>Stable, documented error codes carried in the <c>code</c> member of every ProblemDetails body.</summary>
internal static class ErrorCodes
{
    public const string InvalidPath = "invalid_path";
    public const string InvalidFraming = "invalid_framing";
    public const string InvalidHost = "invalid_host";
    public const string TransferCodingUnsupported = "transfer_coding_unsupported";
    public const string InvalidKey = "invalid_key";
    public const string ObjectNotFound = "object_not_found";
    public const string AccessDenied = "storage_access_denied";
    public const string PreconditionFailed = "precondition_failed";
    public const string StorageThrottled = "storage_throttled";
    public const string StorageUnavailable = "storage_unavailable";
    public const string StorageRejected = "storage_rejected_request";
    public const string StorageFailed = "storage_failed";
    public const string InsufficientStorage = "insufficient_storage";
    public const string UpstreamFailed = "upstream_failed";
    public const string UpstreamTimeout = "upstream_timeout";
    public const string NotCached = "not_cached";
    public const string RouteNotFound = "route_not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string WritesForbidden = "writes_forbidden";
    public const string AdminForbidden = "admin_forbidden";
    public const string SignatureMissing = "signature_missing";
    public const string SignatureInvalid = "signature_invalid";
    public const string SignatureExpired = "signature_expired";
    public const string AuthenticationRequired = "authentication_required";
    public const string UploadTooLarge = "upload_too_large";
    public const string UploadIncomplete = "upload_incomplete";
    public const string PartialUpload = "partial_upload";
    public const string ContentCodingUnsupported = "content_coding_unsupported";
    public const string UploadTooSlow = "upload_too_slow";
    public const string UploadStalled = "upload_stalled";
    public const string InvalidChecksum = "invalid_checksum";
    public const string ChecksumMismatch = "checksum_mismatch";
    public const string PipeFailed = "pipe_failed";
    public const string FormExpected = "form_expected";
    public const string FilePartMissing = "file_part_missing";
    public const string RateLimited = "rate_limited";
    public const string RangeNotSatisfiable = "range_not_satisfiable";
    public const string RateLimiterUnavailable = "rate_limiter_unavailable";
    public const string UploadNotFound = "upload_not_found";
    public const string UploadExpired = "upload_expired";
    public const string UploadLocked = "upload_locked";
    public const string OffsetMismatch = "offset_mismatch";
    public const string TusVersionUnsupported = "tus_version_unsupported";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string InvalidTusRequest = "invalid_tus_request";
    public const string ReservedKey = "reserved_key";
}
