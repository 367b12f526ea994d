using StreamForge.Bench.Hosting;
using StreamForge.Bench.Options;
using StreamForge.Bench.Results;

namespace StreamForge.Bench.Measuring;

/// <summary>b. Small objects: wrk at a fixed connection count against each contender, per size, in rounds.</summary>
internal sealed class SmallObjectBench(BenchEnvironment env, BenchResults results, string rawDir)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = env.Options;
        Live.Heading($"b. small objects: {string.Join(", ", options.SmallSizes.Select(ByteSizeText.Format))}, wrk -t{options.WrkThreads} -c{options.WrkConnections} " +
            $"{DurationText.Format(options.WrkDuration)}, {options.SmallRounds} rounds");
        var wrkDir = Path.Combine(rawDir, "wrk");
        Directory.CreateDirectory(wrkDir);

        // Warm-up (JIT, connection pools, page cache) once per contender and size; not recorded. The first size
        // gets the long warm-up (the JIT's work is shared by the sizes), the others one second for their page cache.
        foreach (var (size, index) in options.SmallSizes.Select((size, index) => (size, index)))
        {
            foreach (var contender in env.Contenders)
            {
                await RunWrkAsync(contender, size, index == 0 ? options.SmallWarmup : TimeSpan.FromSeconds(1), cancellationToken);
            }
        }

        foreach (var (round, contender) in RoundRobin.Schedule(env.Contenders, options.SmallRounds))
        {
            foreach (var size in options.SmallSizes)
            {
                SmallObjectSample sample;
                await ProcessCpu.WaitForQuietAsync(env.ServerProcessIds(), ProcessCpu.LeftoverLimit, cancellationToken);
                try
                {
                    var output = await RunWrkAsync(contender, size, options.WrkDuration, cancellationToken);
                    await File.WriteAllTextAsync(Path.Combine(wrkDir, $"{contender.Key}-{size}-r{round + 1}.txt"), output, cancellationToken);
                    var result = WrkOutputParser.Parse(output);
                    var errors = result.Non2xx + result.SocketErrors;
                    sample = new SmallObjectSample(contender.Key, size, round, result,
                        errors > result.Requests / 100 ? $"{result.Non2xx} non-2xx, {result.SocketErrors} socket errors" : null);
                }
                catch (BenchException ex)
                {
                    sample = new SmallObjectSample(contender.Key, size, round, null, ex.Message);
                }

                results.SmallObjects.Add(sample);
                var figures = sample.Result is { } r
                    ? $"{r.RequestsPerSecond,9:0} req/s  p50 {r.P50Ms:0.00} ms  p99 {r.P99Ms:0.00} ms" + (sample.Error is null ? string.Empty : $"  ({sample.Error})")
                    : sample.Error;
                Live.Print("small", $"round {round + 1}/{options.SmallRounds} {contender.Name,-32} {ByteSizeText.Format(size),-8}: {figures}");
            }
        }
    }

    private Task<string> RunWrkAsync(Contender contender, long size, TimeSpan duration, CancellationToken cancellationToken) =>
        WrkRunner.RunAsync(contender.UriFor(TestData.SmallName(size)), env.Options.WrkThreads, env.Options.WrkConnections, duration, cancellationToken);
}
