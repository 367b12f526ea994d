using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Proxy;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Tests.Proxy;

public sealed class CopyOutcomeResponderTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly RecordingLogger _logger = new();

    [Theory]
    [InlineData(nameof(CopyOutcome.Canceled), LogLevel.Information)]
    [InlineData(nameof(CopyOutcome.DestinationFailed), LogLevel.Information)]
    [InlineData(nameof(CopyOutcome.Stalled), LogLevel.Warning)]
    public async Task A_client_that_left_is_logged_as_information_and_a_stall_as_a_warning(string outcomeName, LogLevel level)
    {
        var outcome = Enum.Parse<CopyOutcome>(outcomeName);
        var responder = new CopyOutcomeResponder(new GatewayMetrics(_services.GetRequiredService<IMeterFactory>(), new GatewayInstance()), _logger);

        await responder.RespondAsync(new DefaultHttpContext(), "media", "/clip.mp4", "the origin", new CopyResult(outcome, 1000));

        Assert.Equal(level, Assert.Single(_logger.Levels));
    }

    public void Dispose() => _services.Dispose();

    private sealed class RecordingLogger : ILogger<CopyOutcomeResponder>
    {
        public ConcurrentQueue<LogLevel> Levels { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Levels.Enqueue(logLevel);
    }
}
