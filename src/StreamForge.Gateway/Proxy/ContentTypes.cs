using Microsoft.AspNetCore.StaticFiles;

namespace StreamForge.Gateway.Proxy;

/// <summary>The Content-Type for an object: as stored, else from its extension, else octet-stream.</summary>
internal static class ContentTypes
{
    private const string Fallback = "application/octet-stream";
    private static readonly FileExtensionContentTypeProvider ByExtension = new();

    public static string For(string key, string? stored)
    {
        if (!string.IsNullOrEmpty(stored) && stored != Fallback)
        {
            return stored;
        }

        return ByExtension.TryGetContentType(key, out var type) ? type : Fallback;
    }
}
