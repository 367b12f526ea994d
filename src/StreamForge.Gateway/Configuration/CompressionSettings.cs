namespace StreamForge.Gateway.Configuration;

/// <summary>Response compression of text (<c>StreamForge:Compression</c>); media and ranged responses are never compressed.</summary>
/// <param name="MaxBodySize">Bodies with a larger Content-Length are sent uncompressed.</param>
internal sealed record CompressionSettings(bool Enabled, long MaxBodySize)
{
    public static CompressionSettings Default { get; } = new(true, 4L * 1024 * 1024);

    /// <summary>
    /// Text types worth compressing: HLS (RFC 8216) and DASH manifests, subtitles, JSON and the usual web text.
    /// Video, audio and images are already compressed; they are deliberately absent.
    /// </summary>
    public static IReadOnlyList<string> MimeTypes { get; } =
    [
        "application/vnd.apple.mpegurl", "application/x-mpegurl", "audio/mpegurl", "audio/x-mpegurl", "application/dash+xml",
        "text/vtt", "application/x-subrip", "application/ttml+xml",
        "application/json", "application/problem+json", "application/xml", "text/xml",
        "text/plain", "text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml",
    ];
}
