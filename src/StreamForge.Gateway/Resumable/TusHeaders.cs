namespace StreamForge.Gateway.Resumable;

/// <summary>The tus 1.0.0 protocol's header names and fixed values (https://tus.io/protocols/resumable-upload).</summary>
internal static class TusHeaders
{
    public const string Resumable = "Tus-Resumable";
    public const string Version = "Tus-Version";
    public const string Extension = "Tus-Extension";
    public const string MaxSize = "Tus-Max-Size";
    public const string ChecksumAlgorithm = "Tus-Checksum-Algorithm";
    public const string UploadOffset = "Upload-Offset";
    public const string UploadLength = "Upload-Length";
    public const string UploadDeferLength = "Upload-Defer-Length";
    public const string UploadMetadata = "Upload-Metadata";
    public const string UploadExpires = "Upload-Expires";
    public const string UploadChecksum = "Upload-Checksum";

    /// <summary>Sent by a client that can send only GET and POST (tus-js-client's <c>overridePatchMethod</c>); a request header only.</summary>
    public const string MethodOverride = "X-HTTP-Method-Override";

    public const string SupportedVersion = "1.0.0";
    public const string Extensions = "creation,creation-with-upload,creation-defer-length,termination,expiration,checksum";
    public const string OffsetContentType = "application/offset+octet-stream";

    /// <summary>tus's status for a checksum mismatch (checksum extension).</summary>
    public const int ChecksumMismatchStatus = 460;

    /// <summary>Every tus header, for CORS (allowed on requests, exposed on responses).</summary>
    public static readonly string[] All =
    [
        Resumable, Version, Extension, MaxSize, ChecksumAlgorithm, UploadOffset, UploadLength, UploadDeferLength, UploadMetadata,
        UploadExpires, UploadChecksum, "Location",
    ];
}
