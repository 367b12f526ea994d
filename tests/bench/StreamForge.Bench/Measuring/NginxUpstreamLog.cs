using System.Globalization;

namespace StreamForge.Bench.Measuring;

/// <summary>
/// The cache origin's access log (Hosting/NginxConfig.cs, <c>CacheOrigin</c>): tab-separated status,
/// <c>$body_bytes_sent</c> (body bytes actually sent, also for a request cut short), request URI, Range.
/// </summary>
internal sealed class NginxUpstreamLog(string path) : UpstreamLog(path)
{
    protected override (string Target, long Bytes)? Parse(string line)
    {
        var fields = line.Split('\t');
        return fields.Length >= 3 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
            ? (fields[2], bytes)
            : null;
    }
}
