using System.Text.Json;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>
/// One request, as its access log line says it (field names are the documented JSON names). A request Kestrel refused
/// (<see cref="RejectedRequestLog"/>) has the parts of its request line Kestrel had parsed, or none.
/// </summary>
internal sealed record AccessLogEntry(
    DateTimeOffset Time,
    string? Client,
    string? Method,
    string? Target,
    string? Protocol,
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
    // Encoded once: the writer escapes and checks a string property name on every call.
    private static readonly JsonEncodedText TimeName = JsonEncodedText.Encode("time");
    private static readonly JsonEncodedText ClientName = JsonEncodedText.Encode("client");
    private static readonly JsonEncodedText MethodName = JsonEncodedText.Encode("method");
    private static readonly JsonEncodedText TargetName = JsonEncodedText.Encode("target");
    private static readonly JsonEncodedText ProtocolName = JsonEncodedText.Encode("protocol");
    private static readonly JsonEncodedText StatusName = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText BytesSentName = JsonEncodedText.Encode("bytes_sent");
    private static readonly JsonEncodedText BytesReceivedName = JsonEncodedText.Encode("bytes_received");
    private static readonly JsonEncodedText DurationName = JsonEncodedText.Encode("duration_ms");
    private static readonly JsonEncodedText RouteName = JsonEncodedText.Encode("route");
    private static readonly JsonEncodedText UpstreamName = JsonEncodedText.Encode("upstream_ttfb_ms");
    private static readonly JsonEncodedText RangeName = JsonEncodedText.Encode("range");
    private static readonly JsonEncodedText CacheStatusName = JsonEncodedText.Encode("cache_status");
    private static readonly JsonEncodedText ThrottleName = JsonEncodedText.Encode("throttle");
    private static readonly JsonEncodedText ErrorName = JsonEncodedText.Encode("error");

    /// <summary>Writes the entry as one JSON object (the writer adds the line end); absent values are null.</summary>
    public void WriteTo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        // ISO 8601 in UTC, as "O" formats it but without trailing zeros of the fraction, straight into the line.
        json.WriteString(TimeName, Time.UtcDateTime);
        json.WriteString(ClientName, Client);
        json.WriteString(MethodName, Method);
        json.WriteString(TargetName, Target);
        json.WriteString(ProtocolName, Protocol);
        json.WriteNumber(StatusName, Status);
        json.WriteNumber(BytesSentName, BytesSent);
        json.WriteNumber(BytesReceivedName, BytesReceived);
        json.WriteNumber(DurationName, Milliseconds(Duration));
        json.WriteString(RouteName, Route);
        if (UpstreamTimeToFirstByte is { } ttfb)
        {
            json.WriteNumber(UpstreamName, Milliseconds(ttfb));
        }
        else
        {
            json.WriteNull(UpstreamName);
        }

        json.WriteString(RangeName, Range);
        json.WriteString(CacheStatusName, CacheStatus);
        json.WriteString(ThrottleName, Throttle);
        json.WriteString(ErrorName, Error);
        json.WriteEndObject();
    }

    /// <summary>
    /// Milliseconds to the microsecond, as a decimal of scale 3 made from whole microseconds: a double rounded to
    /// three places has to be formatted by the shortest round-trip algorithm, the costliest part of a line.
    /// </summary>
    internal static decimal Milliseconds(TimeSpan duration)
    {
        var microseconds = Math.Max(0, duration.Ticks / TimeSpan.TicksPerMicrosecond);
        return new decimal((int)(microseconds & 0xFFFFFFFF), (int)(microseconds >> 32), 0, false, 3);
    }
}
