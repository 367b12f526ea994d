using System.Security.Cryptography;
using System.Text;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// One version of one cached object: its metadata, validator and freshness, persisted next to its slices so that a
/// restart keeps the cache. Slices carry the version's <see cref="Tag"/> in their names, so bytes of two versions
/// can never be taken for each other.
/// </summary>
/// <param name="ETag">The quoted entity tag, or empty when the origin sent none (then Last-Modified and length identify the version).</param>
/// <param name="LastModified">The origin's Last-Modified, or null when it sent none (then the ETag is strong).</param>
/// <param name="SliceSize">The slice size the version is cut into (the policy's <c>Range:SliceSize</c> when it was first stored).</param>
/// <param name="Headers">End-to-end headers to replay on hits: the origin's, or those storage keeps with the object; null when there are none.</param>
/// <param name="WholeBodyOnly">The origin ignores ranges: a read of slice n gets the whole body and skips to n, and the fill goes on slice after slice.</param>
/// <param name="Nonce">For a version the origin gave no strong validator (see <see cref="Unpinnable"/>): random, so that its tag is its own.</param>
internal sealed record CachedVersion(
    CacheKey Key, string ETag, DateTimeOffset? LastModified, long Length, string? ContentType, long SliceSize, Freshness Freshness, StoredHeaders? Headers = null, bool WholeBodyOnly = false,
    string? Nonce = null)
{
    /// <summary>
    /// Made once, from the validator, when the version is constructed. A copy made with <c>with</c> keeps it, so a
    /// different ETag, Last-Modified or length needs a new instance, never a <c>with</c> copy (the cache's copies only
    /// refresh freshness and headers).
    /// </summary>
    public string Tag { get; } = VersionTag(ETag, LastModified, Length, Nonce);

    /// <summary>
    /// Neither a strong ETag nor a Last-Modified: no read of it can be pinned, so it is stored only from the one
    /// response that held all of it, and a slice it lacks later is never read again from upstream (the version goes).
    /// </summary>
    public bool Unpinnable => LastModified is null && (ETag.Length == 0 || ETag.StartsWith("W/", StringComparison.Ordinal));

    public ObjectInfo Info => new(Length, ETag, LastModified, ContentType, Headers?.Fields);

    /// <summary>The bytes slice <paramref name="index"/> covers.</summary>
    public ByteSpan SliceSpan(long index)
    {
        var first = index * SliceSize;
        return new ByteSpan(first, Math.Min(Length, first + SliceSize) - 1);
    }

    /// <summary>Whether <paramref name="other"/> is the same representation (the validator did not change).</summary>
    public bool SameVersionAs(CachedVersion other) => Tag == other.Tag;

    private static string VersionTag(string etag, DateTimeOffset? lastModified, long length, string? nonce)
    {
        var validator = nonce is not null ? $"nonce:{nonce}" : etag.Length > 0 ? etag : $"{lastModified?.ToUnixTimeSeconds()}:{length}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(validator)))[..16];
    }
}
