using System.Diagnostics;

namespace StreamForge.Bench.Hosting;

/// <summary>
/// A server the bench started: its output goes to a log file (and a short tail for error messages), its stdin
/// stays open (s3rver exits when stdin closes), and it is killed with its children when disposed or when the
/// bench exits, so no server outlives a run.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private const int TailLines = 30;
    private static readonly List<ChildProcess> Running = [];

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Queue<string> _tail = new();
    private readonly List<string> _stdout = [];

    private ChildProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string logPath,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Reproducible children: no telemetry export or environment-specific settings inherited from the shell.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal) ||
                     k is "ASPNETCORE_ENVIRONMENT" or "DOTNET_ENVIRONMENT" or "ASPNETCORE_URLS").ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var log = new StreamWriter(logPath) { AutoFlush = true };
        log.WriteLine($"$ {fileName} {string.Join(' ', start.ArgumentList)}");
        var process = Process.Start(start) ?? throw new BenchException($"could not start {fileName}");
        var child = new ChildProcess(name, process, log);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, isStdout: true);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, isStdout: false);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (Running)
        {
            Running.Add(child);
        }

        return child;
    }

    /// <summary>This process and its descendants (nginx: master and workers), as /proc shows them now.</summary>
    public IReadOnlyList<int> Tree() => ProcessTree.Of(Id);

    public string Tail()
    {
        lock (_tail)
        {
            return string.Join(Environment.NewLine, _tail);
        }
    }

    /// <summary>Waits for a stdout line starting with <paramref name="prefix"/>; fails if the process exits first.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_stdout)
            {
                var line = _stdout.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
                if (line is not null)
                {
                    return line;
                }
            }

            if (HasExited)
            {
                throw new BenchException($"{Name} exited (code {ExitCode}) before printing '{prefix}':{Environment.NewLine}{Tail()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new BenchException($"{Name} did not print '{prefix}' within {timeout.TotalSeconds} s:{Environment.NewLine}{Tail()}");
            }

            await Task.Delay(50);
        }
    }

    public static void KillAll()
    {
        List<ChildProcess> all;
        lock (Running)
        {
            all = [.. Running];
        }

        foreach (var child in all)
        {
            child.Dispose();
        }
    }

    public void Dispose()
    {
        lock (Running)
        {
            if (!Running.Remove(this))
            {
                return;
            }
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        lock (_tail)
        {
            _log.Dispose();
        }
    }

    private void OnLine(string? line, bool isStdout)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _log.WriteLine(line);
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }

        if (isStdout)
        {
            lock (_stdout)
            {
                // Only the start-up lines matter (readiness markers); do not keep a chatty server's whole output.
                if (_stdout.Count < 1000)
                {
                    _stdout.Add(line);
                }
            }
        }
    }
}
