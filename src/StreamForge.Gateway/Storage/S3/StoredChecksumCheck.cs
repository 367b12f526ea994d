using System.Net.Http.Headers;
using System.Security.Cryptography;
using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>
/// Checks a PutObject sent without a signed payload (<see cref="S3BodyClient"/>) against the checksum S3 answers
/// with: S3 computes a full-object checksum of every upload that brought none (CRC64NVME on AWS since 2025,
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html) and reports it in the
/// PutObject response. The gateway hashes what it sends with the same algorithm and compares.
/// </summary>
/// <remarks>
/// Which algorithm a server reports is learnt from its answers: until the first, both CRCs S3 servers use by
/// default are computed (CRC64NVME, and CRC32 as S3-compatible servers store), afterwards only the one reported.
/// Each costs about 0.25 CPU s/GiB. A server that reports no checksum leaves the upload to TCP's and TLS's checks,
/// as for any client's plain PUT.
/// </remarks>
internal sealed class StoredChecksumCheck
{
    private static readonly string[] Defaults = ["x-amz-checksum-crc64nvme", "x-amz-checksum-crc32"];

    /// <summary>The checksum header this server reported last; read and written without a lock, a stale value only costs a CRC.</summary>
    private volatile string? _reported;

    /// <summary>A stream that hashes <paramref name="body"/> as the PUT reads it.</summary>
    public CrcReadStream Wrap(Stream body) => new(body, _reported is { } known ? [known] : Defaults);

    /// <summary>Compares what was sent with what S3 reports having stored.</summary>
    /// <returns>The header whose digests differ; null when they match, or when S3 reported no checksum the gateway had computed.</returns>
    public string? FindMismatch(CrcReadStream sent, HttpResponseHeaders answer)
    {
        if (answer.TryGetValues("x-amz-checksum-type", out var types)
            && types.Any(t => string.Equals(t, "COMPOSITE", StringComparison.OrdinalIgnoreCase)))
        {
            return null; // a checksum of the parts' checksums, not of the bytes
        }

        foreach (var (header, values) in answer)
        {
            if (!header.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase)
                || ExpectedChecksum.FromBase64(header.ToLowerInvariant(), values.FirstOrDefault() ?? "") is not { } stored
                || stored.CreateCrc() is null)
            {
                continue;
            }

            _reported = stored.Header;
            return sent.DigestOf(stored.Header) is { } digest && !CryptographicOperations.FixedTimeEquals(digest, stored.Digest)
                ? stored.Header
                : null;
        }

        return null;
    }
}
