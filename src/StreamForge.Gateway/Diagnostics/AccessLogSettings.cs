namespace StreamForge.Gateway.Diagnostics;

/// <summary>The access log (<c>StreamForge:AccessLog</c>): one JSON line per request, rotated by size and date.</summary>
/// <param name="Enabled">Off writes nothing; the status page still counts errors.</param>
/// <param name="Directory">Where the files go; relative paths are under the content root.</param>
/// <param name="MaxFileSize">A file that reaches this size is closed and the next one started.</param>
/// <param name="RetainedFiles">How many files are kept; older ones are deleted when a new one starts.</param>
/// <param name="QueueLength">Lines waiting for the writer; beyond it lines are dropped and counted, never waited for.</param>
internal sealed record AccessLogSettings(bool Enabled, string Directory, long MaxFileSize, int RetainedFiles, int QueueLength)
{
    public static AccessLogSettings Default { get; } = new(true, "logs", 100L << 20, 30, 16_384);
}
