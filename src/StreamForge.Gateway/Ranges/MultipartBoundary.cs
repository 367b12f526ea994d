using System.Security.Cryptography;

namespace StreamForge.Gateway.Ranges;

/// <summary>Boundaries for multipart/byteranges bodies.</summary>
internal static class MultipartBoundary
{
    /// <summary>
    /// 32 characters of [0-9A-Za-z] carry about 190 random bits. The bytes being framed are streamed and never
    /// scanned, so only unpredictability keeps the boundary out of them (RFC 2046 section 5.1.1); a
    /// cryptographic generator also stops a client from predicting it and planting it in an object.
    /// </summary>
    public const int Length = 32;

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string Create() => RandomNumberGenerator.GetString(Alphabet, Length);
}
