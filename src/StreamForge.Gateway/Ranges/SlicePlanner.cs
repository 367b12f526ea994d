
namespace StreamForge.Gateway.Ranges;

/// <summary>
/// Splits a span the client asked for into the upstream requests that fetch it (Proxy/RangedBodyWriter.cs sends them). Slice
/// boundaries sit at multiples of the slice size, whatever the client's offsets, so that every upstream request
/// and every cache key for the object lines up; only the first and last slices are cut short by the span.
/// </summary>
internal static class SlicePlanner
{
    /// <summary>
    /// The slices covering exactly <paramref name="span"/>, lazily: the caller fetches one slice as the client
    /// drains the previous one, and a 4 GiB span in 1 MiB slices never becomes a list of 4096 items.
    /// </summary>
    public static IEnumerable<ByteSpan> Plan(ByteSpan span, long sliceSize)
    {
        // Validated here rather than in the iterator, so bad arguments fail at the call, not at the first MoveNext.
        ArgumentOutOfRangeException.ThrowIfNegative(span.First, nameof(span));
        ArgumentOutOfRangeException.ThrowIfLessThan(span.Last, span.First, nameof(span));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sliceSize);
        return Enumerate(span, sliceSize);
    }

    private static IEnumerable<ByteSpan> Enumerate(ByteSpan span, long sliceSize)
    {
        var first = span.First;
        while (true)
        {
            // Bytes left before the next multiple of sliceSize. Computed this way (never first + sliceSize), so
            // spans ending near long.MaxValue cannot overflow.
            var toBoundary = sliceSize - (first % sliceSize);
            if (toBoundary > span.Last - first)
            {
                yield return new ByteSpan(first, span.Last);
                yield break;
            }

            var last = first + toBoundary - 1;
            yield return new ByteSpan(first, last);
            first = last + 1;
        }
    }
}
