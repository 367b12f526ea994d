namespace StreamForge.Gateway.Configuration;

/// <summary>Response headers a stream policy adds to storage responses (<c>Headers</c> section).</summary>
/// <param name="CacheControl">Cache-Control for every successful response, e.g. <c>public, max-age=31536000, immutable</c>.</param>
/// <param name="CacheControlByExtension">Overrides by key extension, e.g. live manifests (<c>.m3u8</c>, <c>.mpd</c>) kept short-lived.</param>
internal sealed record HeadersPolicy(string? CacheControl, IReadOnlyDictionary<string, string> CacheControlByExtension)
{
    public static HeadersPolicy None { get; } = new(null, new Dictionary<string, string>());

    /// <summary>The Cache-Control for a key, or null when the policy sets none.</summary>
    public string? CacheControlFor(string key)
    {
        var extension = Path.GetExtension(key);
        return extension.Length > 0 && CacheControlByExtension.TryGetValue(extension, out var value) ? value : CacheControl;
    }
}
