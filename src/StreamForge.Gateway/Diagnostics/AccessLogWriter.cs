using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>
/// Writes access log lines from a bounded queue on a thread of its own. Our own writer rather than ASP.NET Core's
/// W3C logger: that one cannot carry per-request fields the gateway learns late (route, upstream time to first byte,
/// range served, throttle, error code), and a full queue here drops and counts a line instead of slowing a stream.
/// Lines written while Kestrel drains at shutdown still land: the queue is closed only when the host is disposed.
/// </summary>
internal sealed class AccessLogWriter : IHostedService, IAsyncDisposable, IDisposable
{
    /// <summary>
    /// How long the writer lets lines gather after writing a batch. Woken for every line, it added a thread-pool
    /// hand-off (and a file flush) to every request of a busy gateway; at most ten wake-ups a second cost nothing.
    /// </summary>
    private static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Set when the writer's thread has written its last line. A thread rather than a task on the thread pool: with
    /// inline I/O (Hosting/InlineIo.cs) the pool is otherwise idle, and each batch woke a worker through a timer,
    /// which then spun in sched_yield before sleeping again; profiled under 1 KiB origin-route GETs, the batches and
    /// the spinning were 4 % of the gateway's CPU. The thread sleeps between batches and blocks while the queue is empty.
    /// </summary>
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly AccessLogSettings _settings;
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<AccessLogWriter> _logger;
    private readonly Channel<AccessLogEntry> _queue;
    private bool _started;
    private long _written;
    private long _dropped;

    public AccessLogWriter(AccessLogSettings settings, IHostEnvironment environment, TimeProvider time, GatewayMetrics metrics, ILogger<AccessLogWriter> logger)
    {
        _settings = settings;
        _directory = Path.GetFullPath(settings.Directory, environment.ContentRootPath);
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _queue = Channel.CreateBounded<AccessLogEntry>(new BoundedChannelOptions(settings.QueueLength)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue refuses at once, nobody waits
        });
    }

    public bool Enabled => _settings.Enabled;

    /// <summary>The folder the files are written to (absolute).</summary>
    public string Directory => _directory;

    public long Written => Interlocked.Read(ref _written);

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Write(AccessLogEntry entry)
    {
        if (_settings.Enabled && !_queue.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref _dropped);
            _metrics.AccessLogDropped();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_settings.Enabled && !_started)
        {
            _started = true;
            new Thread(WriteLines) { IsBackground = true, Name = "Access log writer" }.Start();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_started)
        {
            await _stopped.Task;
        }
    }

    /// <summary>For a container disposed synchronously: the same, waiting for the queued lines to be written.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        if (_started)
        {
            _stopped.Task.GetAwaiter().GetResult();
        }
    }

    private void WriteLines()
    {
        try
        {
            WriteBatches();
            _stopped.TrySetResult();
        }
        catch (Exception ex)
        {
            // Not the process's end, as an exception escaping a thread would be: the log stops, the gateway goes on,
            // and disposing the writer reports it.
            GatewayLog.AccessLogFailed(_logger, _directory, ex);
            _stopped.TrySetException(ex);
        }
    }

    private void WriteBatches()
    {
        using var file = new RollingFile(_settings, _directory, _time);
        var line = new ArrayBufferWriter<byte>(1024);
        using var json = new Utf8JsonWriter(line);
        var reader = _queue.Reader;
        var failing = false;
        // Blocking is this thread's purpose: the wait returns once a line is queued or the queue is closed.
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            try
            {
                while (reader.TryRead(out var entry))
                {
                    line.ResetWrittenCount();
                    json.Reset(line);
                    entry.WriteTo(json);
                    json.Flush();
                    line.Write("\n"u8);
                    file.For(line.WrittenCount).Write(line.WrittenSpan);
                    Interlocked.Increment(ref _written);
                }

                // Flushed whenever the queue runs dry: a quiet gateway's log is complete on disk, a busy one's is batched.
                file.Flush();
                failing = false;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Logged once per outage, not once per line; the lines of a batch that failed are lost.
                if (!failing)
                {
                    GatewayLog.AccessLogFailed(_logger, _directory, ex);
                }

                failing = true;
            }

            if (!reader.Completion.IsCompleted)
            {
                Thread.Sleep(BatchInterval);
            }
        }
    }
}
