using Microsoft.Win32.SafeHandles;

namespace StreamForge.Gateway.Caching;

/// <summary>How a reader gets one slice: from disk, from a fill (its own or one it joined), or straight from upstream when the cache cannot hold it.</summary>
/// <param name="Start">For a fill registered with its start deferred: starts it.</param>
internal readonly record struct SliceOpening(SafeFileHandle? OnDisk, SliceFill? Fill, bool Joined, Action? Start = null)
{
    public static SliceOpening Bypass => default;
}
