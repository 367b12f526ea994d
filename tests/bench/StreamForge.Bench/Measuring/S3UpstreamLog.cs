using System.Text.Json;

namespace StreamForge.Bench.Measuring;

/// <summary>
/// The S3 launcher's request log (<c>node tests/tools/s3server/start.js --request-log FILE</c>): one JSON object
/// per line, <c>{"method","key","range","status","bytes","aborted"}</c>, where <c>bytes</c> is the body bytes sent.
/// Launchers without the option cannot be counted: <see cref="Unavailable"/> says so and the report shows it.
/// </summary>
internal sealed class S3UpstreamLog(string path, bool supported) : UpstreamLog(path)
{
    public const string Option = "--request-log";

    public override string? Unavailable => supported ? null : $"not measured: tests/tools/s3server/start.js has no {Option} option in this tree";

    /// <summary>Whether the launcher knows the option (it rejects unknown ones, so it is only passed when it does).</summary>
    public static bool IsSupported(string launcher) => File.Exists(launcher) && File.ReadAllText(launcher).Contains(Option, StringComparison.Ordinal);

    protected override (string Target, long Bytes)? Parse(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var method = root.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            var bytes = root.TryGetProperty("bytes", out var b) && b.TryGetInt64(out var n) ? n : 0;
            return method is "GET" or "HEAD" or null ? (key.GetString()!, bytes) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
