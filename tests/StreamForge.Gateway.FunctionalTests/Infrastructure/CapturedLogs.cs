using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>Keeps the gateway's log lines of <see cref="LogLevel.Error"/> and above, for tests that assert what was logged.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Errors => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._lines.Enqueue($"{category}: {formatter(state, exception)} {exception?.Message}");
            }
        }
    }
}
