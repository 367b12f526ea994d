namespace StreamForge.Bench.Results;

/// <summary>One large-download measurement: <see cref="Streams"/> concurrent GETs of the whole large object.</summary>
/// <param name="ContenderCpuSeconds">CPU time the contender's processes used during the measurement.</param>
/// <param name="UpstreamCpuSeconds">CPU time of the server it forwards to (origin nginx, s3rver); null if none.</param>
internal sealed record DownloadSample(string Contender, int Streams, int Round, long Bytes, double Seconds, double ContenderCpuSeconds,
    double? UpstreamCpuSeconds, string? Error)
{
    /// <summary>Decimal GB/s, (10^9 bytes per second), the unit of every figure in tests/bench/README.md.</summary>
    public double GigabytesPerSecond => Error is null && Seconds > 0 ? Bytes / Seconds / 1e9 : double.NaN;

    public double ContenderCpuPerGigabyte => Error is null && Bytes > 0 ? ContenderCpuSeconds / (Bytes / 1e9) : double.NaN;

    public double UpstreamCpuPerGigabyte => Error is null && Bytes > 0 && UpstreamCpuSeconds is { } cpu ? cpu / (Bytes / 1e9) : double.NaN;
}
