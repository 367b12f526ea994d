using System.Text.Json;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// The edge cache's files under its directory: <c>ab/abcdef…/meta.json</c> (the version: validator, length, freshness,
/// headers) and <c>ab/abcdef…/&lt;tag&gt;.&lt;n&gt;</c> (slice n of the version with that tag). Writes throw, so that the
/// cache can stop storing for a while; a file that cannot be deleted is left for the next start's <see cref="Scan"/>.
/// </summary>
internal sealed class CacheDirectory(string root)
{
    private const string MetaFile = "meta.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Root => root;

    public string SlicePath(CachedVersion version, long index) => Path.Combine(EntryDirectory(version.Key.Id), $"{version.Tag}.{index}");

    /// <summary>The version tag in a slice file's name (<c>&lt;tag&gt;.&lt;n&gt;</c>).</summary>
    public static string TagOf(string slicePath)
    {
        var name = Path.GetFileName(slicePath);
        return name[..name.LastIndexOf('.')];
    }

    /// <summary>A new temp file in an entry's directory (a start's <see cref="Scan"/> removes what a crash left there).</summary>
    public string SpoolPath(string id)
    {
        var directory = EntryDirectory(id);
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, $"spool.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>Writes the version's meta.json under a temp name first, so that a crash never leaves half of one.</summary>
    public void WriteVersion(CachedVersion version)
    {
        var directory = EntryDirectory(version.Key.Id);
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $"{MetaFile}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temp, JsonSerializer.Serialize(version, Json));
        File.Move(temp, Path.Combine(directory, MetaFile), overwrite: true);
    }

    /// <summary>The stored slices of an entry, but those of the version tagged <paramref name="keepTag"/> and fills' temp files.</summary>
    public IEnumerable<string> SlicesOtherThan(string id, string? keepTag)
    {
        var directory = EntryDirectory(id);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return Directory.EnumerateFiles(directory).Where(file =>
        {
            var name = Path.GetFileName(file);
            return !name.StartsWith(MetaFile, StringComparison.Ordinal)
                && !(keepTag is not null && name.StartsWith(keepTag + ".", StringComparison.Ordinal))
                && !name.EndsWith(".tmp", StringComparison.Ordinal);
        });
    }

    /// <summary>Deletes an entry's directory. A file a reader still holds open is unlinked anyway on Linux.</summary>
    public void DeleteEntry(string id) => TryDeleteDirectory(EntryDirectory(id));

    /// <summary>
    /// What a start finds: versions from meta.json, and slices whose tag and length are right, oldest first (so that
    /// eviction after a restart still starts with what was written longest ago). The rest is deleted: entries without
    /// a readable meta.json, temp files of fills a crash interrupted, slices of another version.
    /// </summary>
    public (IReadOnlyList<CachedVersion> Versions, IReadOnlyList<(string Path, long Length)> Slices) Scan()
    {
        Directory.CreateDirectory(root);
        var versions = new List<CachedVersion>();
        var slices = new List<(string Path, long Length, DateTime Written)>();
        foreach (var directory in Directory.EnumerateDirectories(root).SelectMany(Directory.EnumerateDirectories))
        {
            var version = ReadVersion(Path.Combine(directory, MetaFile));
            if (version is null || version.Key.Id != Path.GetFileName(directory))
            {
                TryDeleteDirectory(directory);
                continue;
            }

            versions.Add(version);
            foreach (var file in Directory.EnumerateFiles(directory))
            {
                var name = Path.GetFileName(file);
                if (name == MetaFile)
                {
                    continue;
                }

                var info = new FileInfo(file);
                if (IsSliceOf(version, name, info.Length))
                {
                    slices.Add((file, info.Length, info.LastWriteTimeUtc));
                }
                else
                {
                    TryDelete(file);
                }
            }
        }

        return (versions, slices.OrderBy(s => s.Written).Select(s => (s.Path, s.Length)).ToList());
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Retried at the next start.
        }
    }

    private string EntryDirectory(string id) => Path.Combine(root, id[..2], id);

    private static bool IsSliceOf(CachedVersion version, string name, long length)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && name[..dot] == version.Tag && long.TryParse(name[(dot + 1)..], out var index) && index >= 0
            && index * version.SliceSize < version.Length && version.SliceSpan(index).Length == length;
    }

    private static CachedVersion? ReadVersion(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<CachedVersion>(File.ReadAllText(path), Json) : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Retried at the next start.
        }
    }
}
