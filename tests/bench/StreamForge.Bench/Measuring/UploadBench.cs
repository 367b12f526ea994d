using System.Diagnostics;
using System.Net;
using StreamForge.Bench.Hosting;
using StreamForge.Bench.Options;
using StreamForge.Bench.Results;

namespace StreamForge.Bench.Measuring;

/// <summary>
/// e. Uploads: 1 and N concurrent PUTs with Content-Length to the bare Kestrel reference, the gateway's file
/// store and its S3 route; throughput and the receiving process's peak RSS. Each stored object's length is
/// checked, then it is deleted so the disk does not fill over the rounds.
/// </summary>
internal sealed class UploadBench(BenchEnvironment env, BenchResults results)
{
    private const int WarmUpPuts = 4;
    private const long WarmUpSize = 16L << 20;

    /// <summary>Unmeasured uploads of the measured size after the small ones, at least and at most (see <see cref="MeasureAsync"/>).</summary>
    private const int MinWarmUpFullPuts = 3;
    private const int MaxWarmUpFullPuts = 10;

    /// <summary>Warm: an upload cost the receiver no less CPU than this share of the one before.</summary>
    private const double SteadyCpuShare = 0.85;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = env.Options;
        Live.Heading($"e. uploads: {ByteSizeText.Format(options.UploadSize)} each, {string.Join(" and ", options.UploadStreams)} concurrent, {options.UploadRounds} rounds");
        var pattern = new byte[1 << 20];
        new Random(3).NextBytes(pattern);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = int.MaxValue })
        {
            Timeout = TimeSpan.FromMinutes(15),
        };

        foreach (var (round, target) in RoundRobin.Schedule(env.UploadTargets, options.UploadRounds))
        {
            foreach (var streams in options.UploadStreams)
            {
                var sample = await MeasureAsync(client, pattern, target, streams, round, cancellationToken);
                results.Uploads.Add(sample);
                Live.Print("upload", $"round {round + 1}/{options.UploadRounds} {target.Name,-32} {streams} upload(s): " + (sample.Error ??
                    $"{sample.GigabytesPerSecond:0.000} GB/s ({sample.Bytes / 1e9:0.00} GB in {sample.Seconds:0.00} s), CPU {sample.CpuPerGigabyte:0.00} s/GB" +
                    (sample.UpstreamCpuSeconds is null ? string.Empty : $", upstream CPU {sample.UpstreamCpuPerGigabyte:0.00} s/GB") + ", " +
                    $"peak RSS {sample.PeakRss / 1e6:0.0} MB (before {sample.RssBefore / 1e6:0.0} MB)"));
            }
        }
    }

    private async Task<UploadSample> MeasureAsync(HttpClient client, byte[] pattern, UploadTarget target, int streams, int round, CancellationToken cancellationToken)
    {
        var size = env.Options.UploadSize;
        try
        {
            // A fresh, warmed-up receiver: its peak RSS is this measurement's, not the history of earlier phases.
            if (target.Server.CanRestart)
            {
                await target.Server.RestartAsync();
            }

            // Warm the upload path itself, not only the server: a restarted .NET receiver would otherwise run the
            // measured upload on freshly jitted (tier-0) code, which cost the gateway's S3 route 15-30 % of a 256 MiB
            // PUT by hand (59, then 69, then 77 MB/s on one process). Four small PUTs were not enough: the first upload
            // of the measured size after them still cost the gateway three times the CPU of the next ones (1.99-2.29
            // against 0.56-0.66 s per 256 MiB, 29 % of it in the JIT). So one unmeasured upload of the measured size
            // follows, and the measurement waits until the receiver's background compilation is done. Every target
            // gets the same; the S3 server is never restarted, so it is warm. One upload of the measured size was
            // not enough either: by hand (256 MiB, S3 route) the gateway spent 3.2, 1.7, 1.6, 1.0, 1.2, 1.0, 0.9,
            // 0.75 CPU s/GB on the first uploads of a fresh process, each taking its per-request code (presigning, the
            // SDK's pipeline) one step further through tiered compilation, while s3rver, never restarted, is as warm
            // as it gets. So uploads of the measured size follow until one costs the receiver no less CPU than
            // SteadyCpuShare of the one before (at least three, at most ten).
            var warmUps = await WarmUpAsync(client, pattern, target, size, cancellationToken);
            var waited = await ProcessCpu.WaitForQuietAsync(ServerProcessIds(), ProcessCpu.CompilationLimit, cancellationToken);
            Live.Print("upload", $"warm-up {target.Name,-32}: {warmUps} uploads of the measured size, then {waited.TotalSeconds:0.0} s until the servers were idle");
        }
        catch (Exception ex) when (ex is BenchException or HttpRequestException)
        {
            return new UploadSample(target.Key, streams, round, 0, 0, 0, 0, $"restart failed: {ex.Message}");
        }

        var pids = target.Process.Tree();
        foreach (var pid in pids)
        {
            ProcessMemory.ResetPeak(pid);
        }

        var before = pids.Sum(ProcessMemory.Rss);
        var upstreamPids = target.Upstream?.Invoke().Tree();
        var cpuBefore = ProcessCpu.Total(pids);
        var upstreamBefore = upstreamPids is null ? TimeSpan.Zero : ProcessCpu.Total(upstreamPids);
        var names = Enumerable.Range(0, streams).Select(i => $"upload-{i}.bin").ToArray();
        var clock = Stopwatch.StartNew();
        double cpu = 0;
        double? upstreamCpu = null;
        string? error = null;
        try
        {
            var statuses = await Task.WhenAll(names.Select(name => PutAsync(client, new Uri(target.BaseUri, name), size, pattern, cancellationToken)));
            clock.Stop();
            cpu = (ProcessCpu.Total(pids) - cpuBefore).TotalSeconds;
            upstreamCpu = upstreamPids is null ? null : (ProcessCpu.Total(upstreamPids) - upstreamBefore).TotalSeconds;
            var bad = statuses.Where(s => s is not (HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.NoContent)).ToArray();
            if (bad.Length > 0)
            {
                error = $"status {string.Join(", ", bad.Distinct().Select(s => (int)s))}";
            }
            else
            {
                foreach (var name in names)
                {
                    var stored = await target.StoredLength(name);
                    if (stored != size)
                    {
                        error = $"{name} stored {stored?.ToString() ?? "nothing"} bytes of {size}";
                        break;
                    }
                }
            }
        }
        catch (HttpRequestException ex)
        {
            error = $"failed: {ex.Message}";
        }

        var peak = pids.Sum(ProcessMemory.PeakRss);
        foreach (var name in names)
        {
            await target.Delete(name);
        }

        return new UploadSample(target.Key, streams, round, error is null ? size * streams : 0, clock.Elapsed.TotalSeconds, before, peak, error, cpu, upstreamCpu);
    }

    /// <returns>How many uploads of the measured size it took.</returns>
    private static async Task<int> WarmUpAsync(HttpClient client, byte[] pattern, UploadTarget target, long size, CancellationToken cancellationToken)
    {
        var uri = new Uri(target.BaseUri, "warm-up.bin");
        for (var i = 0; i < WarmUpPuts; i++)
        {
            await PutAsync(client, uri, Math.Min(WarmUpSize, size), pattern, cancellationToken);
        }

        var pids = target.Process.Tree();
        var previous = double.PositiveInfinity;
        for (var i = 0; i < MaxWarmUpFullPuts; i++)
        {
            var before = ProcessCpu.Total(pids);
            await PutAsync(client, uri, size, pattern, cancellationToken);
            var spent = (ProcessCpu.Total(pids) - before).TotalSeconds;
            await target.Delete("warm-up.bin");
            if (i + 1 >= MinWarmUpFullPuts && spent >= previous * SteadyCpuShare)
            {
                return i + 1;
            }

            previous = spent;
        }

        return MaxWarmUpFullPuts;
    }

    private static async Task<HttpStatusCode> PutAsync(HttpClient client, Uri uri, long size, byte[] pattern, CancellationToken cancellationToken)
    {
        using var content = new SyntheticContent(size, pattern);
        using var response = await client.PutAsync(uri, content, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>The contenders' processes and the upload targets' (the bare Kestrel reference is only the latter).</summary>
    private HashSet<int> ServerProcessIds() =>
        env.ServerProcessIds().Concat(env.UploadTargets.SelectMany(t => t.Process.Tree())).ToHashSet();
}
