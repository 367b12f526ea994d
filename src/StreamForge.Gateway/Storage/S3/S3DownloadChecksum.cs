using Amazon.S3;
using Amazon.S3.Model;
using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>
/// Chooses what a full-object GET is verified against. AWSSDK would hash every such body with its own managed MD5
/// (measured: over half of the gateway's CPU on this path, about 3 CPU s/GB); a stored CRC checked with System.IO.Hashing
/// costs a tenth of that and catches the same corruption.
/// </summary>
internal static class S3DownloadChecksum
{
    /// <summary>The checksum to verify, or null when there is none worth checking (ranges, composite checksums, SSE-KMS ETags).</summary>
    public static ExpectedChecksum? For(GetObjectResponse response, DownloadVerification verification)
    {
        if (verification == DownloadVerification.Off)
        {
            return null;
        }

        // Cheapest first; a composite checksum ("<base64>-<parts>") covers the parts, not the body, and is skipped.
        if (!string.Equals(response.ChecksumType?.Value, ChecksumType.COMPOSITE.Value, StringComparison.OrdinalIgnoreCase))
        {
            var stored = Stored("x-amz-checksum-crc64nvme", response.ChecksumCRC64NVME)
                ?? Stored("x-amz-checksum-crc32c", response.ChecksumCRC32C)
                ?? Stored("x-amz-checksum-crc32", response.ChecksumCRC32)
                ?? Stored("x-amz-checksum-sha256", response.ChecksumSHA256)
                ?? Stored("x-amz-checksum-sha1", response.ChecksumSHA1);
            if (stored is not null)
            {
                return stored;
            }
        }

        return verification == DownloadVerification.Checksum ? EtagMd5(response) : null;
    }

    private static ExpectedChecksum? Stored(string header, string? value) =>
        string.IsNullOrEmpty(value) || value.Contains('-', StringComparison.Ordinal) ? null : ExpectedChecksum.FromBase64(header, value);

    /// <summary>
    /// The ETag is the body's MD5 only for single-part objects stored in plain or SSE-S3 form
    /// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html, ETag).
    /// </summary>
    private static ExpectedChecksum? EtagMd5(GetObjectResponse response)
    {
        var hex = response.ETag?.Trim('"');
        var encrypted = response.ServerSideEncryptionMethod == ServerSideEncryptionMethod.AWSKMS
            || response.ServerSideEncryptionMethod == ServerSideEncryptionMethod.AWSKMSDSSE
            || (response.ServerSideEncryptionCustomerMethod is { } customer && customer != ServerSideEncryptionCustomerMethod.None);
        if (encrypted || hex is not { Length: 32 } || !hex.All(char.IsAsciiHexDigit))
        {
            return null;
        }

        return new ExpectedChecksum("Content-MD5", Convert.FromHexString(hex));
    }
}
