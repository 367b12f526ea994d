using System.IO.Hashing;
using System.Security.Cryptography;

namespace StreamForge.Gateway.Uploads;

/// <summary>
/// A digest a body must match, verified while the body streams through: one a client announced for its upload
/// (Content-MD5, RFC 1864; or S3's x-amz-checksum-* headers), or the full-object checksum S3 stored for a
/// download. <see cref="Header"/> names the algorithm by its header.
/// </summary>
internal sealed record ExpectedChecksum(string Header, byte[] Digest)
{
    /// <summary>The CRCs cost about 0.02 CPU s/GB here (<see cref="WideCrc"/>), MD5 about 1.8.</summary>
    public static readonly IReadOnlyList<string> Supported =
        ["Content-MD5", "x-amz-checksum-sha256", "x-amz-checksum-sha1", "x-amz-checksum-crc32", "x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme"];

    /// <summary>Reads the checksum headers of a request; a malformed one is reported in <paramref name="problem"/>.</summary>
    public static IReadOnlyList<ExpectedChecksum> FromHeaders(IHeaderDictionary headers, out string? problem)
    {
        problem = null;
        var found = new List<ExpectedChecksum>();
        foreach (var name in Supported)
        {
            var value = headers[name].ToString();
            if (value.Length == 0)
            {
                continue;
            }

            var checksum = FromBase64(name, value);
            if (checksum is null)
            {
                problem = $"{name} is not a base64 {DigestLength(name)}-byte digest";
                return [];
            }

            found.Add(checksum);
        }

        return found;
    }

    public NonCryptographicHashAlgorithm? CreateCrc() => CreateCrc(Header);

    /// <summary>A CRC's digest as S3 writes it: big-endian (System.IO.Hashing's GetCurrentHash is little-endian).</summary>
    public static byte[] S3Digest(NonCryptographicHashAlgorithm crc) => [.. crc.GetCurrentHash().Reverse()];

    /// <summary>A fresh CRC for a checksum header, or null when the header names no CRC.</summary>
    public static NonCryptographicHashAlgorithm? CreateCrc(string header) => header switch
    {
        "x-amz-checksum-crc32" => WideCrc.CreateCrc32(),
        "x-amz-checksum-crc32c" => WideCrc.CreateCrc32C(),
        "x-amz-checksum-crc64nvme" => WideCrc.CreateCrc64Nvme(),
        _ => null,
    };

    /// <summary>A checksum from its header name and base64 value, or null when the value is not such a digest.</summary>
    public static ExpectedChecksum? FromBase64(string header, string value)
    {
        var digest = new byte[64];
        return Convert.TryFromBase64String(value.Trim(), digest, out var written) && written == DigestLength(header)
            ? new ExpectedChecksum(header, digest[..written])
            : null;
    }

    public IncrementalHash? CreateHash() => Header switch
    {
        "Content-MD5" => IncrementalHash.CreateHash(HashAlgorithmName.MD5),
        "x-amz-checksum-sha256" => IncrementalHash.CreateHash(HashAlgorithmName.SHA256),
        "x-amz-checksum-sha1" => IncrementalHash.CreateHash(HashAlgorithmName.SHA1),
        _ => null,
    };

    private static int DigestLength(string header) => header switch
    {
        "Content-MD5" => 16,
        "x-amz-checksum-sha256" => 32,
        "x-amz-checksum-sha1" => 20,
        "x-amz-checksum-crc64nvme" => 8,
        _ => 4,
    };
}
