using Amazon.S3.Model;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>
/// The representation headers S3 keeps with an object beside its type (PutObject's <c>Content-Encoding</c>,
/// <c>Content-Disposition</c>, <c>Content-Language</c>, <c>Cache-Control</c>), replayed on GET and HEAD as S3 itself
/// and CloudFront in front of it do: without them a gzip-coded object went out as raw bytes of its declared type.
/// </summary>
internal static class S3StoredHeaders
{
    /// <summary>The object's stored headers, or null when it has none (most media objects).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>>? Of(HeadersCollection headers)
    {
        List<KeyValuePair<string, string>>? found = null;
        Add(ref found, "Content-Encoding", ContentCoding(headers.ContentEncoding));
        Add(ref found, "Content-Disposition", headers.ContentDisposition);
        Add(ref found, "Content-Language", headers.ContentLanguage);
        Add(ref found, "Cache-Control", headers.CacheControl);
        return found;
    }

    /// <summary>
    /// <c>aws-chunked</c> is an upload's framing (SigV4 streaming), never the object's coding: S3 drops it, and an
    /// S3-compatible server that keeps it must not make a client undo a coding that was never applied.
    /// </summary>
    private static string? ContentCoding(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var codings = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(coding => !coding.Equals("aws-chunked", StringComparison.OrdinalIgnoreCase))
            .ToArray();
        return codings.Length == 0 ? null : string.Join(", ", codings);
    }

    private static void Add(ref List<KeyValuePair<string, string>>? found, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            (found ??= []).Add(new(name, value));
        }
    }
}
