namespace StreamForge.Gateway.Caching;

/// <summary>A fill a reader was following stopped before the reader's bytes landed; the reader goes upstream for the rest.</summary>
internal sealed class SliceFillFailedException(Exception? cause)
    : Exception("the cache fill this read was following failed", cause);
