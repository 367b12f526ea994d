using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using StreamForge.Bench.Hosting;
using StreamForge.Bench.Options;
using StreamForge.Bench.Results;

namespace StreamForge.Bench.Measuring;

/// <summary>
/// d. Seeks: random closed ranges of the large object over one keep-alive connection per contender, the same
/// offsets for everyone, in interleaved batches. A 200 answer means the contender ignores Range: recorded as
/// "no range support" rather than a latency of downloading the whole object.
/// </summary>
internal sealed class SeekBench(BenchEnvironment env, BenchResults results)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = env.Options;
        Live.Heading($"d. seeks: {options.Seeks} random {ByteSizeText.Format(options.SeekSize)} ranges of {ByteSizeText.Format(env.Data.LargeSize)}, {options.SeekRounds} batches");
        var random = new Random(7);
        var offsets = Enumerable.Range(0, options.Seeks).Select(_ => random.NextInt64(0, env.Data.LargeSize - options.SeekSize)).ToArray();
        var batch = (int)Math.Ceiling(options.Seeks / (double)options.SeekRounds);

        var states = env.Contenders.ToDictionary(c => c.Key, c => new SeekState(c));
        try
        {
            // Other offsets than the measured ones; a contender that fails here is reported as it would be below.
            var warmup = new Random(11);
            foreach (var contender in env.Contenders)
            {
                for (var i = 0; i < options.SeekWarmup && states[contender.Key] is { Unsupported: null, Error: null }; i++)
                {
                    await SeekAsync(states[contender.Key], warmup.NextInt64(0, env.Data.LargeSize - options.SeekSize), cancellationToken, record: false);
                }

                // The ranges above leave a .NET contender compiling its range path in the background for a second or
                // more (the S3 route's AWSSDK code most); measured batches of other contenders would otherwise share
                // the cores with it.
                var waited = await ProcessCpu.WaitForQuietAsync(env.ServerProcessIds(), ProcessCpu.CompilationLimit, cancellationToken);
                Live.Print("seeks", $"warm-up {contender.Name,-32}: {options.SeekWarmup} ranges, then {waited.TotalSeconds:0.0} s until the servers were idle");
            }

            foreach (var (round, contender) in RoundRobin.Schedule(env.Contenders, options.SeekRounds))
            {
                var state = states[contender.Key];
                await ProcessCpu.WaitForQuietAsync(env.ServerProcessIds(), ProcessCpu.LeftoverLimit, cancellationToken);
                foreach (var offset in offsets.Skip(round * batch).Take(batch))
                {
                    if (state.Unsupported is not null || state.Error is not null)
                    {
                        break;
                    }

                    await SeekAsync(state, offset, cancellationToken);
                }
            }
        }
        finally
        {
            foreach (var state in states.Values)
            {
                state.Client.Dispose();
            }
        }

        foreach (var contender in env.Contenders)
        {
            var state = states[contender.Key];
            var result = new SeekResult(contender.Key, state.Latencies, state.Unsupported, state.Error);
            results.Seeks.Add(result);
            Live.Print("seeks", $"{contender.Name,-32}: " + (state.Unsupported ?? state.Error ??
                $"p50 {Stats.Percentile(state.Latencies, 50):0.00} ms  p99 {Stats.Percentile(state.Latencies, 99):0.00} ms  ({state.Latencies.Count} ranges)"));
        }
    }

    private async Task SeekAsync(SeekState state, long offset, CancellationToken cancellationToken, bool record = true)
    {
        var size = env.Options.SeekSize;
        using var request = new HttpRequestMessage(HttpMethod.Get, state.Contender.UriFor(env.Data.LargeName));
        request.Headers.Range = new RangeHeaderValue(offset, offset + size - 1);
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await state.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                // Disposing unread aborts the body: no need to download the whole object to learn this.
                state.Unsupported = "no range support (200 to a Range request)";
                return;
            }

            if (response.StatusCode != HttpStatusCode.PartialContent)
            {
                state.Error = $"status {(int)response.StatusCode} to a Range request";
                return;
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(state.Buffer, cancellationToken)) > 0)
            {
                total += read;
            }

            if (total != size)
            {
                state.Error = $"a range of {size} bytes returned {total}";
                return;
            }

            if (record)
            {
                state.Latencies.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        catch (HttpRequestException ex)
        {
            state.Error = $"failed: {ex.Message}";
        }
    }
}
