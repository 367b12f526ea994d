using System.Security.Cryptography;

namespace StreamForge.Gateway.Resumable;

/// <summary>An Upload-Checksum header (<c>sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=</c>): the digest a PATCH body must have.</summary>
internal sealed record UploadChecksum(HashAlgorithmName Algorithm, byte[] Digest)
{
    /// <summary>Tus-Checksum-Algorithm: the algorithms a client may use.</summary>
    public const string Supported = "sha1,md5,sha256";

    /// <summary>Parses the header; null without a problem when there is none, null with a problem when it is unusable.</summary>
    public static UploadChecksum? Parse(string? header, out string? problem)
    {
        problem = null;
        if (header is null)
        {
            return null;
        }

        var parts = header.Trim().Split(' ', 2);
        HashAlgorithmName? algorithm = parts[0].ToLowerInvariant() switch
        {
            "sha1" => HashAlgorithmName.SHA1,
            "md5" => HashAlgorithmName.MD5,
            "sha256" => HashAlgorithmName.SHA256,
            _ => null,
        };
        if (algorithm is null)
        {
            problem = $"checksum algorithm '{parts[0]}' is not one of {Supported}";
            return null;
        }

        var digest = new byte[64];
        if (parts.Length != 2 || !Convert.TryFromBase64String(parts[1], digest, out var length))
        {
            problem = "Upload-Checksum is '<algorithm> <base64 digest>'";
            return null;
        }

        return new UploadChecksum(algorithm.Value, digest[..length]);
    }
}
