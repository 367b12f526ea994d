using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>
/// The last call of an upload (<c>PutObject</c> once the whole body went, or <c>CompleteMultipartUpload</c>) whose answer
/// was lost on the way back: S3 may have carried it out. AWSSDK retries a Complete, and S3 then answers
/// <c>NoSuchUpload</c>, which its API reference gives for an upload "aborted or completed"; a PutObject fails with the
/// connection. Either way the key is asked (HEAD) whether it holds what this upload sent, so that a stored object is
/// not reported as lost (the client would upload again, or believe the old version stays) nor the reverse.
/// </summary>
internal sealed class LostAnswerCheck(IAmazonS3 client, string bucket, TimeSpan responseTimeout)
{
    private const int Md5Length = 16;

    /// <summary>
    /// The ETag S3 gives an object completed from <paramref name="parts"/>: the MD5 of their MD5s, a dash and their
    /// count. Null when a part's ETag is not an MD5 (SSE-KMS objects), so that the stored object cannot be recognised.
    /// </summary>
    public static string? MultipartETagOf(IReadOnlyList<PartETag> parts)
    {
        var digests = new byte[parts.Count * Md5Length];
        for (var i = 0; i < parts.Count; i++)
        {
            var hex = parts[i].ETag?.Trim('"') ?? "";
            if (hex.Length != Md5Length * 2
                || Convert.FromHexString(hex, digests.AsSpan(i * Md5Length), out _, out var written) != System.Buffers.OperationStatus.Done
                || written != Md5Length)
            {
                return null;
            }
        }

        // S3's own definition of the ETag, not a security check: MD5 because S3 computes it so.
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        md5.AppendData(digests);
        return $"\"{Convert.ToHexStringLower(md5.GetHashAndReset())}-{parts.Count}\"";
    }

    /// <summary>The key's current version, with its stored checksum; null when there is none.</summary>
    /// <exception cref="StorageException">S3 could not be asked either: the outcome stays unknown.</exception>
    public async Task<GetObjectMetadataResponse?> HeadAsync(string key, string what, Exception lostAnswer)
    {
        using var timer = new S3CallTimer(new S3Timeouts(responseTimeout, responseTimeout), CancellationToken.None);
        try
        {
            return await client.GetObjectMetadataAsync(
                new GetObjectMetadataRequest { BucketName = bucket, Key = key, ChecksumMode = ChecksumMode.ENABLED }, timer.Token);
        }
        catch (AmazonS3Exception ex) when (S3ErrorTranslator.IsNotFound(ex))
        {
            return null;
        }
        catch (Exception ex) when (ex is AmazonServiceException or HttpRequestException or IOException or OperationCanceledException)
        {
            throw Unknown(what, lostAnswer);
        }
    }

    /// <summary>What the client is told when the key cannot say: as for a final call that timed out (config/README.md).</summary>
    public static StorageException Unknown(string what, Exception lostAnswer) =>
        new(StorageErrorKind.Timeout, $"S3's answer was lost while {what}; S3 may have stored it: check (HEAD) before retrying", lostAnswer, TimeSpan.FromSeconds(1));

    /// <summary>
    /// Whether <paramref name="head"/> is the object completed from <paramref name="parts"/> (all of
    /// <paramref name="partSize"/> bytes but the last): its length, and its ETag (S3's MD5 of the parts' MD5s) or its
    /// full-object CRC32 (combined from the parts', which every part carries). Null when neither can be compared.
    /// </summary>
    public static bool? HoldsParts(GetObjectMetadataResponse head, IReadOnlyList<PartETag> parts, long partSize, long length)
    {
        if (head.ContentLength != length)
        {
            return false;
        }

        var etag = MultipartETagOf(parts);
        if (etag is not null && SameETag(head.ETag, etag))
        {
            return true;
        }

        if (Crc32Combination.FromBase64(head.ChecksumCRC32) is { } stored
            && parts.All(part => Crc32Combination.FromBase64(part.ChecksumCRC32) is not null))
        {
            var pieces = parts.Select((part, i) =>
                (Crc32Combination.FromBase64(part.ChecksumCRC32)!.Value, i < parts.Count - 1 ? partSize : length - (partSize * i)));
            return Crc32Combination.Of(pieces) == stored;
        }

        // An S3-style multipart ETag that differs is another object; any other ETag (SSE-KMS) says nothing.
        return etag is not null && head.ETag?.Contains('-', StringComparison.Ordinal) == true ? false : null;
    }

    public static bool SameETag(string? stored, string expected) =>
        string.Equals(stored?.Trim('"'), expected.Trim('"'), StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether <paramref name="head"/> is the object a PutObject sent as <paramref name="sent"/>: its length and a CRC S3
    /// stored for it agree. Null when S3 reports no CRC the gateway computed, so that it cannot be told.
    /// </summary>
    public static bool? HoldsSent(GetObjectMetadataResponse head, CrcReadStream sent)
    {
        if (head.ContentLength != sent.BytesRead)
        {
            return false;
        }

        foreach (var (header, stored) in new[] { ("x-amz-checksum-crc64nvme", head.ChecksumCRC64NVME), ("x-amz-checksum-crc32", head.ChecksumCRC32) })
        {
            if (stored is not null && sent.DigestOf(header) is { } digest
                && Uploads.ExpectedChecksum.FromBase64(header, stored) is { } expected)
            {
                return CryptographicOperations.FixedTimeEquals(digest, expected.Digest);
            }
        }

        return null;
    }
}
