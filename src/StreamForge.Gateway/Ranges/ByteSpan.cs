namespace StreamForge.Gateway.Ranges;

/// <summary>An inclusive, already validated byte range of a stored object (RFC 9110 section 14.1.1).</summary>
internal readonly record struct ByteSpan(long First, long Last)
{
    public long Length => Last - First + 1;
}
