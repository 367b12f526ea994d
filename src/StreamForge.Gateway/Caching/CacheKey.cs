using System.Security.Cryptography;
using System.Text;

namespace StreamForge.Gateway.Caching;

/// <summary>What one cache entry is about: an object (or origin URL) of one upstream, and the request variant (RFC 9111 section 4.1).</summary>
/// <param name="Namespace">The upstream: a storage or origin cluster id, so two routes onto one cluster share entries.</param>
/// <param name="Key">The object key, or an origin's path and query.</param>
/// <param name="Variant">The request's values of the headers the response varies on; empty when it varies on none.</param>
internal sealed record CacheKey(string Namespace, string Key, string Variant = "")
{
    /// <summary>A file-name-safe identity: 32 hex digits of SHA-256 over the three parts.</summary>
    public string Id { get; } = Hash(Namespace, Key, Variant);

    private static string Hash(string ns, string key, string variant) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{ns}\n{key}\n{variant}")))[..32];
}
