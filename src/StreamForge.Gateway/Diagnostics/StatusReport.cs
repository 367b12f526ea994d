using System.Text.Json;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>
/// The status page's data (<c>/_streamforge/status.json</c>), written straight to the response. With many streams
/// in flight it lists the busiest <see cref="MaxListed"/> of each kind and gives the total, so a refresh stays cheap.
/// </summary>
internal sealed class StatusReport(LiveStreams live, ErrorTally errors, AccessLogWriter accessLog, CacheMetrics cache, TimeProvider time)
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
        WriteCache(json);
        json.WriteStartObject("access_log");
        json.WriteBoolean("enabled", accessLog.Enabled);
        json.WriteNumber("written", accessLog.Written);
        json.WriteNumber("dropped", accessLog.Dropped);
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    /// <summary>The edge cache's size and per-route totals; null while no route caches (the cache is created on first use).</summary>
    private void WriteCache(Utf8JsonWriter json)
    {
        if (cache.Size is not { } size)
        {
            json.WriteNull("cache");
            return;
        }

        json.WriteStartObject("cache");
        json.WriteNumber("bytes", size.Bytes);
        json.WriteNumber("slices", size.Slices);
        json.WriteNumber("evictions", cache.Totals.Evictions);
        json.WriteStartArray("routes");
        foreach (var (route, totals) in cache.Totals.Routes.OrderBy(r => r.Route, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("route", route);
            json.WriteStartObject("requests");
            foreach (var (status, count) in totals.Requests.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                json.WriteNumber(status, count);
            }

            json.WriteEndObject();
            json.WriteNumber("bytes_from_cache", totals.BytesFromCache);
            json.WriteNumber("bytes_from_upstream", totals.BytesFromUpstream);
            json.WriteNumber("bytes_fetched", totals.BytesFetched);
            json.WriteNumber("collapsed", totals.Collapsed);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
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
