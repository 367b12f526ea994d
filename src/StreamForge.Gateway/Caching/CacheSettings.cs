namespace StreamForge.Gateway.Caching;

/// <summary>The gateway-wide edge cache (<c>StreamForge:Cache</c>): where slices live and how much disk they may take.</summary>
/// <param name="Directory">Absolute path of the cache folder; created when missing.</param>
/// <param name="MaxSize">Bytes of slices kept on disk; least recently used slices are evicted beyond it.</param>
internal sealed record CacheSettings(string Directory, long MaxSize)
{
    public const long DefaultMaxSize = 10L * 1024 * 1024 * 1024;
}
