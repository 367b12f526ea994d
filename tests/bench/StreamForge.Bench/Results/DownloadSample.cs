namespace StreamForge.Bench.Results;

/// <summary>One large-download measurement: <see cref="Streams"/> concurrent GETs of the whole large object.</summary>
internal sealed record DownloadSample(string Contender, int Streams, int Round, long Bytes, double Seconds, string? Error)
{
    /// <summary>Decimal GB/s, as DESIGN.md section 7 quotes its figures.</summary>
    public double GigabytesPerSecond => Error is null && Seconds > 0 ? Bytes / Seconds / 1e9 : double.NaN;
}
