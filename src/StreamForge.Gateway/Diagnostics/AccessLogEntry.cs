using System.Text.Json;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>One request, as its access log line says it (field names are the documented JSON names).</summary>
internal sealed record AccessLogEntry(
    DateTimeOffset Time,
    string? Client,
    string Method,
    string Target,
    string Protocol,
    int Status,
    long BytesSent,
    long BytesReceived,
    TimeSpan Duration,
    string? Route,
    TimeSpan? UpstreamTimeToFirstByte,
    string? Range,
    string? CacheStatus,
    string? Throttle,
    string? Error)
{
    /// <summary>Writes the entry as one JSON object (the writer adds the line end); absent values are null.</summary>
    public void WriteTo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("time", Time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteString("client", Client);
        json.WriteString("method", Method);
        json.WriteString("target", Target);
        json.WriteString("protocol", Protocol);
        json.WriteNumber("status", Status);
        json.WriteNumber("bytes_sent", BytesSent);
        json.WriteNumber("bytes_received", BytesReceived);
        json.WriteNumber("duration_ms", Math.Round(Duration.TotalMilliseconds, 3));
        json.WriteString("route", Route);
        if (UpstreamTimeToFirstByte is { } ttfb)
        {
            json.WriteNumber("upstream_ttfb_ms", Math.Round(ttfb.TotalMilliseconds, 3));
        }
        else
        {
            json.WriteNull("upstream_ttfb_ms");
        }

        json.WriteString("range", Range);
        json.WriteString("cache_status", CacheStatus);
        json.WriteString("throttle", Throttle);
        json.WriteString("error", Error);
        json.WriteEndObject();
    }
}
