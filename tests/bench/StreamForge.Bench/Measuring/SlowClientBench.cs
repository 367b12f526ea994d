using StreamForge.Bench.Hosting;
using StreamForge.Bench.Options;
using StreamForge.Bench.Results;

namespace StreamForge.Bench.Measuring;

/// <summary>
/// c. Memory: N slow clients read the large object, then the huge one, from each contender; peak RSS of the
/// contender's processes and the kernel memory of its sockets. Each measurement starts from a freshly restarted,
/// warmed-up contender, so its peak is its own and not what the previous phases left in the heap.
/// </summary>
internal sealed class SlowClientBench(BenchEnvironment env, BenchResults results)
{
    /// <summary>
    /// nginx with proxy_buffering on spools up to proxy_max_temp_file_size (1 GiB) per response to temp files
    /// while the client is slow: 100 clients could write 100 GiB to the bench disk. Its memory is not the
    /// question; its disk is. Not measured.
    /// </summary>
    public const string NginxDefaultSkipped = "not measured: with proxy_buffering on, nginx spools up to 1 GiB per slow response to temp files (up to 100 GiB of disk for 100 clients)";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = env.Options;
        Live.Heading($"c. memory: {options.SlowClients} clients at {ByteSizeText.FormatRate(options.SlowRate)} each, " +
            $"{DurationText.Format(options.SlowDuration)}, SO_RCVBUF {ByteSizeText.Format(options.SlowReceiveBuffer)}");
        var contenders = env.Contenders.Where(c => c.Key != ContenderKeys.NginxDefault && c.Server.CanRestart).ToList();
        if (env.Contenders.Any(c => c.Key == ContenderKeys.NginxDefault))
        {
            Live.Print("memory", $"nginx proxy (default buffers): {NginxDefaultSkipped}");
        }

        var objects = new List<(string Name, long Size)> { (env.Data.LargeName, env.Data.LargeSize) };
        if (env.Data.HugeSize != env.Data.LargeSize)
        {
            objects.Add((env.Data.HugeName, env.Data.HugeSize));
        }

        foreach (var (name, size) in objects)
        {
            foreach (var (_, contender) in RoundRobin.Schedule(contenders, 1))
            {
                if (contender.Key == ContenderKeys.GatewayS3 && name == env.Data.HugeName && env.S3HugeSkipped is { } why)
                {
                    results.Memory.Add(new MemorySample(contender.Key, size, 0, 0, 0, 0, 0, 0, 0, 0, 0, $"huge object {why}"));
                    continue;
                }

                var sample = await MeasureAsync(contender, name, size, cancellationToken);
                results.Memory.Add(sample);
                Live.Print("memory", $"{contender.Name,-32} {ByteSizeText.Format(size),-7}: " + (sample.Error ??
                    $"peak RSS {sample.PeakRss / 1e6:0.0} MB (before {sample.RssBefore / 1e6:0.0} MB, sampled peak {sample.SampledPeakRss / 1e6:0.0} MB), " +
                    $"socket queues {sample.SocketQueuePeak / 1e6:0.0} MB, TCP mem +{sample.SockstatPeakDelta / 1e6:0.0} MB, {sample.PeakThreads} threads, " +
                    $"{sample.PerClientRate / 1e6:0.00} MB/s per client" + (sample.FailedClients > 0 ? $", {sample.FailedClients} clients failed" : string.Empty)));
                // Let the reset connections drain out of the kernel before the next contender's baseline.
                await Task.Delay(TimeSpan.FromSeconds(env.Options.IsQuick ? 0.3 : 2), cancellationToken);
            }
        }
    }

    private async Task<MemorySample> MeasureAsync(Contender contender, string objectName, long size, CancellationToken cancellationToken)
    {
        var options = env.Options;
        try
        {
            await env.RestartAsync(contender.Server, WarmUpUri(contender));
        }
        catch (Exception ex) when (ex is BenchException or HttpRequestException)
        {
            return new MemorySample(contender.Key, size, options.SlowClients, 0, 0, 0, 0, 0, 0, 0, options.SlowClients, $"restart failed: {ex.Message}");
        }

        var pids = contender.Process.Tree();

        foreach (var pid in pids)
        {
            ProcessMemory.ResetPeak(pid);
        }

        var before = pids.Sum(ProcessMemory.Rss);
        var uri = contender.UriFor(objectName);
        long[] received;
        await using (var sampler = MemorySampler.Start(pids))
        {
            received = await Task.WhenAll(Enumerable.Range(0, options.SlowClients).Select(_ => Task.Run(() =>
                SlowClient.ReadAsync(uri, options.SlowRate, options.SlowReceiveBuffer, options.SlowDuration, cancellationToken), cancellationToken)));
            var peak = pids.Sum(ProcessMemory.PeakRss);
            var ok = received.Where(r => r >= 0).ToArray();
            var rate = ok.Length == 0 ? 0 : ok.Average() / options.SlowDuration.TotalSeconds;
            var failed = received.Length - ok.Length;
            return new MemorySample(contender.Key, size, options.SlowClients, before, Math.Max(peak, sampler.PeakRss), sampler.PeakRss,
                sampler.PeakSocketQueues, sampler.PeakTcpGrowth, sampler.PeakThreads, rate, failed,
                failed == received.Length ? "every client failed" : null);
        }
    }

    private Uri WarmUpUri(Contender contender) =>
        env.Data.SmallSizes.Count > 0 ? contender.UriFor(TestData.SmallName(env.Data.SmallSizes[^1])) : contender.BaseUri;
}
