using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using StreamForge.Bench;
using StreamForge.Bench.Hosting;
using StreamForge.Bench.Measuring;
using StreamForge.Bench.Options;
using StreamForge.Bench.Report;
using StreamForge.Bench.Results;

// The benchmark suite: starts every contender on loopback, measures a. to g., writes the report and charts.
// Run it through tests/bench/run.sh, which installs what it needs and builds first.
BenchOptions options;
try
{
    options = BenchOptionsParser.Parse(args);
}
catch (FormatException ex)
{
    Console.Error.WriteLine($"StreamForge.Bench: {ex.Message}");
    return 2;
}

var paths = new BenchPaths(options.RepoRoot);
var started = DateTimeOffset.UtcNow;
var rawDir = Path.Combine(paths.ResultsDir, "raw", started.ToString("yyyyMMdd-HHmmss") + (options.IsQuick ? "-quick" : string.Empty));
Directory.CreateDirectory(rawDir);

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancel.Cancel();
});
AppDomain.CurrentDomain.ProcessExit += (_, _) => ChildProcess.KillAll();

var machine = MachineInfo.Collect(paths);
foreach (var (name, value) in machine.Facts)
{
    Console.WriteLine($"[machine] {name}: {value}");
}

var commandLine = ("tests/bench/run.sh " + string.Join(' ', DisplayArguments(args))).TrimEnd();
Console.WriteLine($"[params] {string.Join("  ", options.Describe().Select(p => $"{p.Option} {p.Value}"))}");

var results = new BenchResults { Started = started };
var clock = Stopwatch.StartNew();
var interrupted = false;
ReportData data;
IReadOnlyList<string> setup;
using (var env = await BenchEnvironment.StartAsync(options, rawDir))
{
    if (env.S3HugeSkipped is { } skipped)
    {
        results.Notes.Add($"S3: the {ByteSizeText.Format(options.HugeSize)} object was {skipped}; the S3 slow-client test ran on the large object only.");
    }

    var phases = new (string Phase, Func<CancellationToken, Task> Run)[]
    {
        (Phase.Downloads, new LargeDownloadBench(env, results).RunAsync),
        (Phase.Small, new SmallObjectBench(env, results, rawDir).RunAsync),
        (Phase.Memory, new SlowClientBench(env, results).RunAsync),
        (Phase.Seeks, new SeekBench(env, results).RunAsync),
        (Phase.Uploads, new UploadBench(env, results).RunAsync),
        (Phase.Throttle, new ThrottleBench(env, results).RunAsync),
        (Phase.Cache, new CacheBench(env, results, rawDir).RunAsync),
    };
    foreach (var (phase, run) in phases.Where(p => options.Runs(p.Phase)))
    {
        try
        {
            await run(cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            interrupted = true;
            Console.Error.WriteLine("interrupted: writing what was measured to the raw folder only");
            break;
        }
        catch (Exception ex) when (ex is BenchException or IOException or HttpRequestException)
        {
            // One broken measurement must not cost the others: note it and go on.
            results.Notes.Add($"{phase} stopped early: {ex.Message}");
            Console.Error.WriteLine($"[{phase}] stopped early: {ex}");
        }
    }

    data = new ReportData(results, env.Contenders.Select(c => (c.Key, c.Name)).ToArray(), env.UploadTargets.Select(t => (t.Key, t.Name)).ToArray());
    setup = SetupNotes.For(env);
}

results.Elapsed = clock.Elapsed;
await File.WriteAllTextAsync(Path.Combine(rawDir, "results.json"), JsonSerializer.Serialize(results, new JsonSerializerOptions
{
    WriteIndented = true,
    NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
}));

// A quick or interrupted run must not replace the committed report of the last real run.
var reportDir = interrupted || (options.IsQuick && options.ReportDir is null) ? rawDir : options.ReportDir ?? paths.ResultsDir;
Directory.CreateDirectory(reportDir);
var charts = Charts.WriteAll(data, reportDir);
var reportPath = Path.Combine(reportDir, reportDir == rawDir ? "report.md" : "latest.md");
await File.WriteAllTextAsync(reportPath, MarkdownReport.Build(data, options, machine, commandLine, setup));

Console.WriteLine();
Console.WriteLine($"report: {reportPath}");
foreach (var chart in charts)
{
    Console.WriteLine($"chart:  {chart}");
}

Console.WriteLine($"raw:    {rawDir}");
Console.WriteLine($"done in {clock.Elapsed.TotalMinutes:0.0} minutes");
return interrupted ? 130 : 0;

// run.sh adds --repo; the report shows the command as a person types it.
static IEnumerable<string> DisplayArguments(string[] args)
{
    for (var i = 0; i < args.Length; i++)
    {
        if (args[i] == "--repo")
        {
            i++;
            continue;
        }

        yield return args[i];
    }
}
