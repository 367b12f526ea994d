using Microsoft.Win32.SafeHandles;

namespace StreamForge.Gateway.Caching;

/// <summary>How a reader gets one slice: from disk, from a fill (its own or one it joined), or straight from upstream when the cache cannot hold it.</summary>
internal readonly record struct SliceOpening(SafeFileHandle? OnDisk, SliceFill? Fill, bool Joined)
{
    public static SliceOpening Bypass => default;
}
