using Microsoft.AspNetCore.StaticFiles;

namespace StreamForge.Gateway.Configuration;

/// <summary>
/// Content types by file extension, for objects stored without a meaningful one: ASP.NET Core's map, corrected and
/// extended for streaming media (HLS, RFC 8216; DASH, ISO/IEC 23009-1; CMAF segments; subtitles; posters), plus
/// <c>StreamForge:MediaTypes</c> from the configuration.
/// </summary>
internal sealed class MediaTypes
{
    private const string Fallback = "application/octet-stream";

    /// <summary>Types that say nothing: S3's default for uploads without a type, and the generic binary type.</summary>
    private static readonly string[] Uninformative = [Fallback, "binary/octet-stream"];

    private readonly FileExtensionContentTypeProvider _byExtension = new();

    public MediaTypes(IReadOnlyDictionary<string, string> configured)
    {
        foreach (var (extension, type) in BuiltIn)
        {
            _byExtension.Mappings[extension] = type;
        }

        foreach (var (extension, type) in configured)
        {
            _byExtension.Mappings[extension] = type;
        }
    }

    /// <summary>The built-in additions and corrections to ASP.NET Core's map (which has <c>.ts</c> as a DLNA type, and no HLS or DASH).</summary>
    public static IReadOnlyDictionary<string, string> BuiltIn { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".m3u8"] = "application/vnd.apple.mpegurl",
        [".mpd"] = "application/dash+xml",
        [".m4s"] = "video/iso.segment",
        [".cmfv"] = "video/mp4",
        [".cmfa"] = "audio/mp4",
        [".ts"] = "video/mp2t",
        [".mp4"] = "video/mp4",
        [".m4v"] = "video/mp4",
        [".m4a"] = "audio/mp4",
        [".webm"] = "video/webm",
        [".mkv"] = "video/x-matroska",
        [".mov"] = "video/quicktime",
        [".vtt"] = "text/vtt",
        [".srt"] = "application/x-subrip",
        [".ttml"] = "application/ttml+xml", // W3C TTML2; DASH subtitles (IMSC)
        [".dfxp"] = "application/ttml+xml",
        [".aac"] = "audio/aac",
        [".mp3"] = "audio/mpeg",
        [".flac"] = "audio/flac",
        [".opus"] = "audio/ogg",
        [".ogg"] = "audio/ogg",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".png"] = "image/png",
        [".webp"] = "image/webp",
        [".json"] = "application/json",
    };

    /// <summary>The built-in map alone (declared after <see cref="BuiltIn"/>: static initialisers run in order).</summary>
    public static MediaTypes Default { get; } = new(new Dictionary<string, string>());

    /// <summary>The type of <paramref name="path"/>'s extension, when the map has one.</summary>
    public bool TryGetByExtension(string path, out string type)
    {
        var found = _byExtension.TryGetContentType(path, out var mapped);
        type = mapped ?? Fallback;
        return found;
    }

    /// <summary>The stored type when it says something, else the extension's type, else <c>application/octet-stream</c>.</summary>
    public string For(string key, string? stored)
    {
        if (!string.IsNullOrEmpty(stored) && !Uninformative.Contains(stored, StringComparer.OrdinalIgnoreCase))
        {
            return stored;
        }

        return _byExtension.TryGetContentType(key, out var type) ? type : Fallback;
    }
}
