using System.Diagnostics;
using StreamForge.Bench.Hosting;
using StreamForge.Bench.Options;
using StreamForge.Bench.Results;

namespace StreamForge.Bench.Measuring;

/// <summary>
/// a. Large downloads: 1 and N concurrent GETs of the large object per contender, in rounds; then, on the S3
/// contenders, one open-ended range from a tenth of the object on (a player after a seek), in rounds.
/// </summary>
internal sealed class LargeDownloadBench(BenchEnvironment env, BenchResults results)
{
    private const int MinWarmUps = 2;
    private const int MaxWarmUps = 5;

    /// <summary>Warm: a GET cost no less CPU per GB than this share of the one before (the upload phase's rule).</summary>
    private const double SteadyCpuShare = 0.85;

    /// <summary>Small GETs before the large ones: <see cref="RequestPathWorkers"/> connections, each this many in turn.</summary>
    private const int RequestPathGets = 40;

    private const int RequestPathWorkers = 8;

    private static readonly string[] RangeContenders = [ContenderKeys.GatewayS3, ContenderKeys.NginxS3, ContenderKeys.S3Direct];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = env.Options;
        Live.Heading($"a. large downloads: {ByteSizeText.Format(env.Data.LargeSize)}, {string.Join(" and ", options.Streams)} streams, {options.DownloadRounds} rounds");
        // This is the bench's first phase, on fresh processes: warm every contender at every stream count first.
        foreach (var contender in env.Contenders)
        {
            var warmUps = new List<string> { await WarmRequestPathAsync(contender, cancellationToken) };
            foreach (var streams in options.Streams)
            {
                warmUps.Add(await WarmUpAsync(contender, streams, cancellationToken));
            }

            var waited = await ProcessCpu.WaitForQuietAsync(env.ServerProcessIds(), ProcessCpu.CompilationLimit, cancellationToken);
            Live.Print("download", $"warm-up {contender.Name,-32}: {string.Join("; ", warmUps)}, then {waited.TotalSeconds:0.0} s until the servers were idle");
        }

        foreach (var (round, contender) in RoundRobin.Schedule(env.Contenders, options.DownloadRounds))
        {
            foreach (var streams in options.Streams)
            {
                await ProcessCpu.WaitForQuietAsync(env.ServerProcessIds(), ProcessCpu.LeftoverLimit, cancellationToken);
                var sample = await MeasureAsync(contender, streams, round, cancellationToken);
                results.Downloads.Add(sample);
                Live.Print("download", $"round {round + 1}/{options.DownloadRounds} {contender.Name,-32} {streams} stream(s): " +
                    (sample.Error ?? Describe(sample)));
            }
        }

        var ranged = env.Contenders.Where(c => RangeContenders.Contains(c.Key)).ToArray();
        var first = env.Data.LargeSize / 10;
        foreach (var (round, contender) in RoundRobin.Schedule(ranged, options.DownloadRounds))
        {
            await ProcessCpu.WaitForQuietAsync(env.ServerProcessIds(), ProcessCpu.LeftoverLimit, cancellationToken);
            var sample = await MeasureAsync(contender, streams: 1, round, cancellationToken, first);
            results.RangeDownloads.Add(sample);
            Live.Print("download", $"round {round + 1}/{options.DownloadRounds} {contender.Name,-32} bytes={first}-: " + (sample.Error ?? Describe(sample)));
        }
    }

    /// <summary>
    /// GETs of the smallest object, whole and ranged, before the large ones. A measured round makes 1 to 8 requests, so
    /// the code that runs once per request (routing, the S3 client's signing and response parsing, range planning) was
    /// still at tier 0 after the large warm-up GETs, and tiered compilation promoted it while rounds were measured: by
    /// hand (perf, 2026-11-28) .NET's JIT took 6-8 % of the S3 route's samples in the eight-stream rounds after six
    /// warm-up GETs. 320 GETs bring every per-request method past the promotion threshold (30 calls).
    /// </summary>
    /// <returns>What the warm-up did, for the live log.</returns>
    private async Task<string> WarmRequestPathAsync(Contender contender, CancellationToken cancellationToken)
    {
        var uri = contender.UriFor(TestData.SmallName(env.Options.SmallSizes.Min()));
        try
        {
            await Task.WhenAll(Enumerable.Range(0, RequestPathWorkers).Select(_ => Task.Run(async () =>
            {
                var buffer = new byte[Download.BufferSize];
                for (var i = 0; i < RequestPathGets; i++)
                {
                    // Every other one as a player's range: the range planner and the 206 path are per request too.
                    await (i % 2 == 0 ? Download.WholeAsync(uri, buffer, cancellationToken) : Download.FromAsync(uri, 1, buffer, cancellationToken));
                }
            }, cancellationToken)));
            return $"{RequestPathWorkers * RequestPathGets} small GETs";
        }
        catch (Exception ex) when (ex is BenchException or IOException or System.Net.Sockets.SocketException)
        {
            return $"small GETs failed: {ex.Message}";
        }
    }

    /// <summary>
    /// Unmeasured GETs at one stream count until one costs the contender and its upstream no less CPU per GB than
    /// <see cref="SteadyCpuShare"/> of the one before. One GET of one stream was not enough (full run of 2026-11-28
    /// 14:30 UTC): the gateway's S3 route spent 0.62-0.63 CPU s/GB on eight streams in the first three rounds and
    /// 0.49-0.53 in the last two, s3rver behind it 0.98-1.09 then 0.65-0.67, each taking code that one stream had not
    /// run through tiered compilation (.NET) or V8's optimiser (node) during measured rounds.
    /// </summary>
    /// <returns>What the warm-up did, for the live log.</returns>
    private async Task<string> WarmUpAsync(Contender contender, int streams, CancellationToken cancellationToken)
    {
        var previous = double.PositiveInfinity;
        var count = 0;
        DownloadSample? last = null;
        while (count < MaxWarmUps)
        {
            last = await MeasureAsync(contender, streams, round: -1, cancellationToken);
            count++;
            if (last.Error is not null)
            {
                return $"{streams} stream(s): {last.Error}";
            }

            var spent = last.ContenderCpuPerGigabyte + (double.IsNaN(last.UpstreamCpuPerGigabyte) ? 0 : last.UpstreamCpuPerGigabyte);
            if (count >= MinWarmUps && spent >= previous * SteadyCpuShare)
            {
                break;
            }

            previous = spent;
        }

        return $"{streams} stream(s) {count}x, last {last!.GigabytesPerSecond:0.000} GB/s";
    }

    private static string Describe(DownloadSample sample) =>
        $"{sample.GigabytesPerSecond:0.000} GB/s ({sample.Bytes / 1e9:0.00} GB in {sample.Seconds:0.00} s), " +
        $"CPU {sample.ContenderCpuPerGigabyte:0.00} s/GB" + (sample.UpstreamCpuSeconds is null ? string.Empty : $", upstream CPU {sample.UpstreamCpuPerGigabyte:0.00} s/GB");

    /// <param name="rangeFrom">When set, each stream reads the large object from this offset to its end instead of whole.</param>
    private async Task<DownloadSample> MeasureAsync(Contender contender, int streams, int round, CancellationToken cancellationToken, long? rangeFrom = null)
    {
        var uri = contender.UriFor(env.Data.LargeName);
        var buffers = Enumerable.Range(0, streams).Select(_ => new byte[Download.BufferSize]).ToArray();
        var pids = contender.Process.Tree();
        var upstreamPids = contender.Upstream?.Invoke().Tree();
        var cpuBefore = ProcessCpu.Total(pids);
        var upstreamBefore = upstreamPids is null ? TimeSpan.Zero : ProcessCpu.Total(upstreamPids);
        var clock = Stopwatch.StartNew();
        try
        {
            var bytes = await Task.WhenAll(buffers.Select(buffer => Task.Run(
                () => rangeFrom is { } from ? Download.FromAsync(uri, from, buffer, cancellationToken) : Download.WholeAsync(uri, buffer, cancellationToken), cancellationToken)));
            var seconds = clock.Elapsed.TotalSeconds;
            var cpu = (ProcessCpu.Total(pids) - cpuBefore).TotalSeconds;
            double? upstreamCpu = upstreamPids is null ? null : (ProcessCpu.Total(upstreamPids) - upstreamBefore).TotalSeconds;
            return new DownloadSample(contender.Key, streams, round, bytes.Sum(), seconds, cpu, upstreamCpu, null);
        }
        catch (Exception ex) when (ex is BenchException or IOException or System.Net.Sockets.SocketException)
        {
            return new DownloadSample(contender.Key, streams, round, 0, clock.Elapsed.TotalSeconds, 0, null, $"failed: {ex.Message}");
        }
    }
}
