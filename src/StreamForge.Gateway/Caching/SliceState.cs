namespace StreamForge.Gateway.Caching;

/// <summary>Where the bytes of one slice are right now.</summary>
internal enum SliceState
{
    OnDisk,
    Filling,
    Missing,
}
