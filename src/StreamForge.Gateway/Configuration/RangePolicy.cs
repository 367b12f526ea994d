using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Configuration;

/// <param name="SliceSize">
/// Long and open-ended client ranges are fetched from the file store and the edge cache in aligned slices of this
/// size, one after another as the client drains them: a player that seeks away and hangs up costs about one slice of
/// egress. S3 routes read each client range with one GET (IObjectStore.SlicesLongRanges).
/// </param>
/// <param name="MaxRanges">Most ranges honoured in one request (multipart/byteranges).</param>
/// <param name="OnAbuse">What to do with too many, overlapping or oversized range sets (CVE-2011-3192).</param>
/// <param name="EmulateForOrigins">Turn an origin's 200 to a single-range GET into the 206 the client asked for.</param>
internal sealed record RangePolicy(long SliceSize, int MaxRanges, AbusiveRangeAction OnAbuse, bool EmulateForOrigins = false)
{
    public static RangePolicy Default { get; } = new(8L * 1024 * 1024, 4, AbusiveRangeAction.ServeFull);

    public RangeLimits Limits => new(MaxRanges, OnAbuse);
}
