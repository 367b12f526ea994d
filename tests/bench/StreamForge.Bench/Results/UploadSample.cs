namespace StreamForge.Bench.Results;

/// <param name="PeakRss">VmHWM of the receiving process, reset just before the uploads start.</param>
internal sealed record UploadSample(string Target, int Streams, int Round, long Bytes, double Seconds, long RssBefore, long PeakRss, string? Error)
{
    public double GigabytesPerSecond => Error is null && Seconds > 0 ? Bytes / Seconds / 1e9 : double.NaN;
}
