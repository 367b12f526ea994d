using System.Text.Json;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>
/// The status page's data (<c>/_streamforge/status.json</c>), written straight to the response. With many streams
/// in flight it lists the busiest <see cref="MaxListed"/> of each kind and gives the total, so a refresh stays cheap.
/// </summary>
internal sealed class StatusReport(LiveStreams live, ErrorTally errors, AccessLogWriter accessLog, TimeProvider time)
{
    public const int MaxListed = 200;

    public async Task WriteAsync(Stream body, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(body);
        json.WriteStartObject();
        json.WriteString("time", time.GetUtcNow());
        WriteStreams(json, "streams", live.Streams.Where(s => s.Start.Direction.IsTowardsClient).ToList());
        WriteStreams(json, "uploads", live.Streams.Where(s => !s.Start.Direction.IsTowardsClient).ToList());
        WriteRoutes(json);
        json.WriteStartObject("errors");
        foreach (var (code, count) in errors.Snapshot())
        {
            json.WriteNumber(code, count);
        }

        json.WriteEndObject();
        // The edge cache fills this in once it exists; until then the page says there is none.
        json.WriteNull("cache");
        json.WriteStartObject("access_log");
        json.WriteBoolean("enabled", accessLog.Enabled);
        json.WriteNumber("written", accessLog.Written);
        json.WriteNumber("dropped", accessLog.Dropped);
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    private void WriteStreams(Utf8JsonWriter json, string name, List<LiveStream> streams)
    {
        json.WriteStartObject(name);
        json.WriteNumber("count", streams.Count);
        json.WriteStartArray("listed");
        var now = time.GetUtcNow();
        foreach (var stream in streams.OrderByDescending(s => s.BytesPerSecond).ThenBy(s => s.Id).Take(MaxListed))
        {
            var start = stream.Start;
            json.WriteStartObject();
            json.WriteNumber("id", stream.Id);
            json.WriteString("route", start.Route);
            json.WriteString("client", start.Client);
            json.WriteString("key", start.Key);
            json.WriteString("direction", start.Direction.Name);
            json.WriteNumber("bytes", stream.Bytes);
            if (start.ExpectedBytes is { } expected)
            {
                json.WriteNumber("expected_bytes", expected);
            }
            else
            {
                json.WriteNull("expected_bytes");
            }

            json.WriteNumber("bytes_per_second", Math.Round(stream.BytesPerSecond));
            json.WriteString("throttle", start.Throttle);
            json.WriteNumber("seconds", Math.Round((now - stream.Started).TotalSeconds, 1));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WriteRoutes(Utf8JsonWriter json)
    {
        json.WriteNumber("sample_seconds", StatusSampler.Interval.TotalSeconds);
        json.WriteStartArray("routes");
        foreach (var route in live.Routes.OrderBy(r => r.Route, StringComparer.Ordinal))
        {
            var (sent, received) = route.History();
            json.WriteStartObject();
            json.WriteString("route", route.Route);
            json.WriteNumber("bytes_sent", route.TotalSent);
            json.WriteNumber("bytes_received", route.TotalReceived);
            WriteNumbers(json, "sent_per_second", sent);
            WriteNumbers(json, "received_per_second", received);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteNumbers(Utf8JsonWriter json, string name, long[] values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }
}
