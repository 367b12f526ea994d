using System.IO.Hashing;
using System.Security.Cryptography;

namespace StreamForge.Gateway.Uploads;

/// <summary>
/// A digest the client announced for its upload (Content-MD5, RFC 1864; or S3's x-amz-checksum-* headers),
/// to be verified while the body streams through.
/// </summary>
internal sealed record ExpectedChecksum(string Header, byte[] Digest)
{
    private static readonly string[] Supported = ["Content-MD5", "x-amz-checksum-sha256", "x-amz-checksum-sha1", "x-amz-checksum-crc32"];

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

            var digest = new byte[64];
            if (!Convert.TryFromBase64String(value.Trim(), digest, out var written) || written != DigestLength(name))
            {
                problem = $"{name} is not a base64 {DigestLength(name)}-byte digest";
                return [];
            }

            found.Add(new ExpectedChecksum(name, digest[..written]));
        }

        return found;
    }

    public NonCryptographicHashAlgorithm? CreateCrc() => Header == "x-amz-checksum-crc32" ? new Crc32() : null;

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
        _ => 4,
    };
}
