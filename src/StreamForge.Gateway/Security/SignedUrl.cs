using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using StreamForge.Gateway.Errors;

namespace StreamForge.Gateway.Security;

/// <summary>
/// Signed, expiring URLs for storage routes, in the style of Akamai's path tokens and CloudFront's wildcard
/// policies: the token is a path segment right after the route's prefix, <c>~sf.&lt;expires&gt;.&lt;key id&gt;.&lt;length&gt;.&lt;signature&gt;</c>,
/// and signs the first <c>length</c> characters of the key path that follows. Signing a folder (<c>a/</c>) therefore
/// covers an HLS playlist and every segment it names relatively, because a player resolves <c>seg-1.m4s</c>
/// against the playlist's URL, token included. HMAC-SHA256 over route, signed prefix, expiry and (optionally) the
/// client address; compared in constant time.
/// </summary>
internal static class SignedUrl
{
    public const string TokenMarker = "~sf.";

    /// <summary>The token segment for <paramref name="prefix"/> of a key on <paramref name="routeId"/>.</summary>
    public static string CreateToken(string routeId, string prefix, DateTimeOffset expires, string keyId, byte[] key, IPAddress? client = null)
    {
        var seconds = expires.ToUnixTimeSeconds();
        var signature = Sign(key, routeId, prefix, seconds, client);
        return string.Create(CultureInfo.InvariantCulture, $"{TokenMarker}{seconds}.{keyId}.{prefix.Length}.{signature}");
    }

    /// <summary>
    /// Splits a route's key path into the token and the object key, and checks the token. Returns the error code
    /// (<c>signature_missing</c>, <c>signature_invalid</c>, <c>signature_expired</c>) or null when it is valid.
    /// </summary>
    public static string? Verify(string routeId, string? keyPath, SignedUrlPolicy policy, DateTimeOffset now, IPAddress? client, out string? objectKey)
    {
        objectKey = null;
        if (keyPath is null || !keyPath.StartsWith(TokenMarker, StringComparison.Ordinal))
        {
            return ErrorCodes.SignatureMissing;
        }

        var slash = keyPath.IndexOf('/', StringComparison.Ordinal);
        var token = slash < 0 ? keyPath : keyPath[..slash];
        var rest = slash < 0 ? string.Empty : keyPath[(slash + 1)..];
        var parts = token[TokenMarker.Length..].Split('.');
        if (parts.Length != 4
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            || length > rest.Length
            || !policy.Keys.TryGetValue(parts[1], out var key))
        {
            return ErrorCodes.SignatureInvalid;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(key, routeId, rest[..length], seconds, policy.BindClientAddress ? client : null));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parts[3])))
        {
            return ErrorCodes.SignatureInvalid;
        }

        // Checked after the signature, so that nobody learns anything from an expiry they forged.
        if (now.ToUnixTimeSeconds() > seconds)
        {
            return ErrorCodes.SignatureExpired;
        }

        objectKey = rest;
        return null;
    }

    private static string Sign(byte[] key, string routeId, string prefix, long expires, IPAddress? client)
    {
        var message = string.Create(CultureInfo.InvariantCulture, $"{routeId}\n{prefix}\n{expires}\n{client}");
        return Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(message)));
    }
}
