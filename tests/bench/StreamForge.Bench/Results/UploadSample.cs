namespace StreamForge.Bench.Results;

/// <param name="PeakRss">VmHWM of the receiving process, reset just before the uploads start.</param>
/// <param name="CpuSeconds">CPU time (user + system) of the receiving process during the uploads.</param>
/// <param name="UpstreamCpuSeconds">The same for the server it stores into (s3rver behind the gateway's S3 route); null when none.</param>
internal sealed record UploadSample(
    string Target, int Streams, int Round, long Bytes, double Seconds, long RssBefore, long PeakRss, string? Error,
    double CpuSeconds = 0, double? UpstreamCpuSeconds = null)
{
    public double GigabytesPerSecond => Error is null && Seconds > 0 ? Bytes / Seconds / 1e9 : double.NaN;

    public double CpuPerGigabyte => Error is null && Bytes > 0 ? CpuSeconds / (Bytes / 1e9) : double.NaN;

    public double UpstreamCpuPerGigabyte => Error is null && Bytes > 0 && UpstreamCpuSeconds is { } cpu ? cpu / (Bytes / 1e9) : double.NaN;
}
