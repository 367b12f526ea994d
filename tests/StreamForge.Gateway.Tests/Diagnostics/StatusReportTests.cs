using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Throttling;

namespace StreamForge.Gateway.Tests.Diagnostics;

public sealed class StatusReportTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new();
    private readonly LiveStreams _live;

    public StatusReportTests() =>
        _live = new LiveStreams(new GatewayMetrics(_services.GetRequiredService<IMeterFactory>(), new GatewayInstance()), _time);

    [Fact]
    public async Task A_thousand_streams_are_counted_and_the_busiest_listed()
    {
        var streams = Enumerable.Range(0, 1000).Select(i => Begin($"k{i}", StreamDirection.Download, null)).ToList();
        streams[737].Add(5_000_000);
        Sample();

        using var report = await ReportAsync();
        var listed = report.RootElement.GetProperty("streams").GetProperty("listed");
        Assert.Equal(1000, report.RootElement.GetProperty("streams").GetProperty("count").GetInt32());
        Assert.Equal(StatusReport.MaxListed, listed.GetArrayLength());
        Assert.Equal("k737", listed[0].GetProperty("key").GetString());
        Assert.Equal(5_000_000, listed[0].GetProperty("bytes_per_second").GetDouble());
        streams.ForEach(s => s.Dispose());
        Assert.Equal(0, _live.Count);
    }

    [Fact]
    public async Task An_upload_shows_its_progress_and_the_route_its_history()
    {
        using var upload = Begin("movie.mp4", StreamDirection.Upload, 1000);
        upload.Add(250);
        Sample();
        upload.Add(100);
        Sample();

        using var report = await ReportAsync();
        var listed = report.RootElement.GetProperty("uploads").GetProperty("listed")[0];
        Assert.Equal(350, listed.GetProperty("bytes").GetInt64());
        Assert.Equal(1000, listed.GetProperty("expected_bytes").GetInt64());
        Assert.Equal("stream 1MiB/s", listed.GetProperty("throttle").GetString());
        var route = report.RootElement.GetProperty("routes")[0];
        Assert.Equal([250, 100], route.GetProperty("received_per_second").EnumerateArray().Select(v => v.GetInt64()));
        Assert.Equal(350, route.GetProperty("bytes_received").GetInt64());
        Assert.Equal(0, report.RootElement.GetProperty("streams").GetProperty("count").GetInt32());
    }

    [Fact]
    public void Ending_an_upload_adds_its_bytes_to_the_request_s_access_log_record()
    {
        var record = new AccessLogRecord(_time.GetUtcNow());
        var stream = _live.Begin(new StreamStart("r", "127.0.0.1", "k", StreamDirection.Upload, null, null), record);
        stream.Meter.OnCopied(1234);
        stream.Dispose();
        stream.Dispose();

        Assert.Equal(1234, record.BytesReceived);
    }

    public void Dispose() => _services.Dispose();

    private LiveStream Begin(string key, StreamDirection direction, long? expected)
    {
        var context = new DefaultHttpContext();
        return _live.Begin(context, "r", key, direction, expected, new ThrottlePolicy(1 << 20, 1 << 20, 0, null, null));
    }

    private void Sample()
    {
        foreach (var route in _live.Routes)
        {
            route.Sample(TimeSpan.FromSeconds(1));
        }

        foreach (var stream in _live.Streams)
        {
            stream.Sample(TimeSpan.FromSeconds(1));
        }
    }

    private async Task<JsonDocument> ReportAsync()
    {
        var environment = new TestEnvironment();
        await using var writer = new AccessLogWriter(AccessLogSettings.Default with { Enabled = false }, environment, _time,
            _live.Metrics, NullLogger<AccessLogWriter>.Instance);
        await using var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.DeleteOnClose);
        await new StatusReport(_live, new ErrorTally(), writer, new CacheMetrics(_services.GetRequiredService<IMeterFactory>(), new GatewayInstance()), _time)
            .WriteAsync(file, CancellationToken.None);
        file.Position = 0;
        return await JsonDocument.ParseAsync(file);
    }

    private sealed class TestEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";

        public string ApplicationName { get; set; } = "tests";

        public string ContentRootPath { get; set; } = Path.GetTempPath();

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}
