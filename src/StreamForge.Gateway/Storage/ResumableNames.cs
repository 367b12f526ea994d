namespace StreamForge.Gateway.Storage;

/// <summary>
/// Where resumable-upload state lives: a reserved first key segment, refused for ordinary reads and writes, so user
/// keys can never collide with it. Upload URLs use the same segment (<c>/route/.streamforge-tus/&lt;id&gt;</c>).
/// </summary>
internal static class ResumableNames
{
    public const string Folder = ".streamforge-tus";

    /// <summary>True when a key (or key path) points into the reserved folder.</summary>
    public static bool IsReserved(string? keyPath) =>
        keyPath is not null && (keyPath == Folder || keyPath.StartsWith(Folder + "/", StringComparison.Ordinal));

    /// <summary>A fresh, unguessable upload id.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");

    public static bool IsValidId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);
}
