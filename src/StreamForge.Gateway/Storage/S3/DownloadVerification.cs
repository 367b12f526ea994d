namespace StreamForge.Gateway.Storage.S3;

/// <summary>What a full-object download from S3 is checked against (StreamForge:S3:VerifyDownloads).</summary>
internal enum DownloadVerification
{
    /// <summary>
    /// S3's stored full-object checksum (CRC64NVME, CRC32C, CRC32, SHA-256 or SHA-1; S3 stores one for every object
    /// written since 2025); an object without one is checked against its ETag when that is the body's MD5.
    /// </summary>
    Checksum,

    /// <summary>Only a stored checksum: objects without one are not checked (MD5 costs about 1.8 CPU s/GiB).</summary>
    StoredChecksumOnly,

    /// <summary>No check beyond the length (TCP's and TLS's own).</summary>
    Off,
}
