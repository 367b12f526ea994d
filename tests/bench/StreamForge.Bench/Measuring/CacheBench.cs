using System.Diagnostics;
using StreamForge.Bench.Hosting;
using StreamForge.Bench.Options;
using StreamForge.Bench.Results;

namespace StreamForge.Bench.Measuring;

/// <summary>
/// g. Edge cache (issue #12): nginx proxy_cache + slice and the gateway's cache on its origin and S3 routes,
/// with the gateway's file store as the reference. 1. cache-hit downloads of the warmed large object; 2. wrk
/// on the warmed small objects; 3. a cold stampede: N clients at once on an object no cache holds, counting
/// what the upstream sent (its own log) and checking every client's body.
/// </summary>
internal sealed class CacheBench(BenchEnvironment env, BenchResults results, string rawDir)
{
    private const string None = "none";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = env.Options;
        Live.Heading($"g. edge cache: hits on {ByteSizeText.Format(env.Data.LargeSize)} ({string.Join(" and ", options.Streams)} streams, {options.DownloadRounds} rounds), " +
            $"small objects ({options.SmallRounds} rounds), cold stampede of {options.CacheClients} clients on {ByteSizeText.Format(options.CacheColdSize)}");
        using var rig = await CacheRig.StartAsync(env);

        foreach (var contender in rig.Contenders.ToArray())
        {
            if (await WarmAsync(contender, cancellationToken) is { } problem)
            {
                rig.MarkUnavailable(contender, problem);
                Live.Print("cache", $"{contender.Contender.Name}: {problem}");
            }
        }

        var reference = env.Contenders.FirstOrDefault(c => c.Key == ContenderKeys.GatewayFiles);
        foreach (var key in new[] { ContenderKeys.NginxCache, ContenderKeys.GatewayOriginCache, ContenderKeys.GatewayS3Cache })
        {
            if (rig.Contenders.FirstOrDefault(c => c.Contender.Key == key) is { } measured)
            {
                results.Cache.Contenders.Add(new CacheContender(key, measured.Contender.Name, IsReference: false, null));
            }
            else if (rig.Unavailable.FirstOrDefault(u => u.Key == key) is { Key: not null } missing)
            {
                results.Cache.Contenders.Add(new CacheContender(key, missing.Name, IsReference: false, missing.Reason));
            }
        }

        var measuredHere = rig.Contenders.ToList();
        if (reference is not null)
        {
            // The same warming reads as the caches (page cache, JIT); it has no cache status to check.
            await WarmAsync(new CacheRigContender(reference, null, IsGateway: true), cancellationToken);
            results.Cache.Contenders.Add(new CacheContender(reference.Key, reference.Name, IsReference: true, null));
            measuredHere.Add(new CacheRigContender(reference, null, IsGateway: true));
        }

        await HitDownloadsAsync(measuredHere, cancellationToken);
        await SmallObjectsAsync(measuredHere, cancellationToken);
        await StampedesAsync(rig, cancellationToken);
    }

    /// <summary>
    /// The warming reads: the large object once, each small object once, then a second GET of a small object,
    /// whose cache status must exist (a cache answered at all). Whether the large object became a hit is
    /// checked on every measured response.
    /// </summary>
    private async Task<string?> WarmAsync(CacheRigContender contender, CancellationToken cancellationToken)
    {
        var buffer = new byte[Download.BufferSize];
        try
        {
            var clock = Stopwatch.StartNew();
            var large = await CachedGet.WholeAsync(contender.Contender.UriFor(env.Data.LargeName), buffer, hash: false, cancellationToken);
            Live.Print("cache", $"{contender.Contender.Name,-24} warming read of {env.Data.LargeName}: {large.CacheStatus ?? None}, {clock.Elapsed.TotalSeconds:0.0} s");
            string? status = null;
            foreach (var size in env.Data.SmallSizes)
            {
                await CachedGet.WholeAsync(contender.Contender.UriFor(TestData.SmallName(size)), buffer, hash: false, cancellationToken);
                status = (await CachedGet.WholeAsync(contender.Contender.UriFor(TestData.SmallName(size)), buffer, hash: false, cancellationToken)).CacheStatus;
            }

            return large.CacheStatus is null && status is null
                ? "not available: its responses carry no cache status (no Cache-Status header: the route does not cache)"
                : null;
        }
        catch (Exception ex) when (ex is BenchException or IOException or System.Net.Sockets.SocketException)
        {
            return $"not available: the warming read failed ({ex.Message})";
        }
    }

    private async Task HitDownloadsAsync(IReadOnlyList<CacheRigContender> contenders, CancellationToken cancellationToken)
    {
        var options = env.Options;
        foreach (var (round, contender) in RoundRobin.Schedule(contenders, options.DownloadRounds))
        {
            foreach (var streams in options.Streams)
            {
                await ProcessCpu.WaitForQuietAsync(ProcessIds(contenders), ProcessCpu.LeftoverLimit, cancellationToken);
                var sample = await MeasureHitsAsync(contender, streams, round, cancellationToken);
                results.Cache.Downloads.Add(sample);
                Live.Print("cache-hit", $"round {round + 1}/{options.DownloadRounds} {contender.Contender.Name,-24} {streams} stream(s): " +
                    (sample.Error ?? $"{sample.GigabytesPerSecond:0.000} GB/s, CPU {sample.CpuPerGigabyte:0.00} s/GB, " +
                     $"cache status {string.Join("/", sample.CacheStatuses)} ({sample.Hits}/{streams} hits)" +
                     (sample.UpstreamBytes is { } up ? $", upstream {up / 1e6:0.0} MB" : string.Empty)));
            }
        }
    }

    private async Task<CacheHitDownloadSample> MeasureHitsAsync(CacheRigContender contender, int streams, int round, CancellationToken cancellationToken)
    {
        var uri = contender.Contender.UriFor(env.Data.LargeName);
        var pids = contender.Contender.Process.Tree();
        var mark = contender.Log?.Mark();
        var cpuBefore = ProcessCpu.Total(pids);
        var clock = Stopwatch.StartNew();
        try
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, streams).Select(_ => Task.Run(
                () => CachedGet.WholeAsync(uri, new byte[Download.BufferSize], hash: false, cancellationToken), cancellationToken)));
            var seconds = clock.Elapsed.TotalSeconds;
            var cpu = (ProcessCpu.Total(pids) - cpuBefore).TotalSeconds;
            var upstream = await UpstreamBytesAsync(contender, mark, env.Data.LargeName, cancellationToken);
            return new CacheHitDownloadSample(contender.Contender.Key, streams, round, responses.Sum(r => r.Bytes), seconds, cpu,
                responses.Count(r => CacheStatus.IsHit(r.CacheStatus)), responses.Select(r => r.CacheStatus ?? None).Distinct().ToArray(), upstream, null);
        }
        catch (Exception ex) when (ex is BenchException or IOException or System.Net.Sockets.SocketException)
        {
            return new CacheHitDownloadSample(contender.Contender.Key, streams, round, 0, clock.Elapsed.TotalSeconds, 0, 0, [], null, $"failed: {ex.Message}");
        }
    }

    private async Task SmallObjectsAsync(IReadOnlyList<CacheRigContender> contenders, CancellationToken cancellationToken)
    {
        var options = env.Options;
        var wrkDir = Path.Combine(rawDir, "wrk");
        Directory.CreateDirectory(wrkDir);
        var warmStatus = new Dictionary<(string, long), string?>();
        foreach (var (size, index) in options.SmallSizes.Select((size, index) => (size, index)))
        {
            foreach (var contender in contenders)
            {
                // JIT, connection pools and page cache, as phase b warms up; then what the cache says now.
                await RunWrkAsync(contender, size, index == 0 ? options.SmallWarmup : TimeSpan.FromSeconds(1), cancellationToken);
                try
                {
                    warmStatus[(contender.Contender.Key, size)] = (await CachedGet.WholeAsync(contender.Contender.UriFor(TestData.SmallName(size)),
                        new byte[Download.BufferSize], hash: false, cancellationToken)).CacheStatus;
                }
                catch (Exception ex) when (ex is BenchException or IOException or System.Net.Sockets.SocketException)
                {
                    warmStatus[(contender.Contender.Key, size)] = $"failed: {ex.Message}";
                }
            }
        }

        foreach (var (round, contender) in RoundRobin.Schedule(contenders, options.SmallRounds))
        {
            foreach (var size in options.SmallSizes)
            {
                await ProcessCpu.WaitForQuietAsync(ProcessIds(contenders), ProcessCpu.LeftoverLimit, cancellationToken);
                var name = TestData.SmallName(size);
                var mark = contender.Log?.Mark();
                var status = warmStatus.GetValueOrDefault((contender.Contender.Key, size));
                CacheSmallSample sample;
                try
                {
                    var output = await RunWrkAsync(contender, size, options.WrkDuration, cancellationToken);
                    await File.WriteAllTextAsync(Path.Combine(wrkDir, $"cache-{contender.Contender.Key}-{size}-r{round + 1}.txt"), output, cancellationToken);
                    var result = WrkOutputParser.Parse(output);
                    var errors = result.Non2xx + result.SocketErrors;
                    sample = new CacheSmallSample(contender.Contender.Key, size, round, result, status,
                        await UpstreamBytesAsync(contender, mark, name, cancellationToken),
                        errors > result.Requests / 100 ? $"{result.Non2xx} non-2xx, {result.SocketErrors} socket errors" : null);
                }
                catch (BenchException ex)
                {
                    sample = new CacheSmallSample(contender.Contender.Key, size, round, null, status, null, ex.Message);
                }

                results.Cache.SmallObjects.Add(sample);
                Live.Print("cache-small", $"round {round + 1}/{options.SmallRounds} {contender.Contender.Name,-24} {ByteSizeText.Format(size),-8}: " +
                    (sample.Result is { } r ? $"{r.RequestsPerSecond,9:0} req/s  p50 {r.P50Ms:0.00} ms  p99 {r.P99Ms:0.00} ms" : string.Empty) +
                    $"  cache status {status ?? None}" + (sample.UpstreamBytes is { } up ? $", upstream {up / 1e3:0.0} KB" : string.Empty) +
                    (sample.Error is null ? string.Empty : $"  ({sample.Error})"));
            }
        }
    }

    private async Task StampedesAsync(CacheRig rig, CancellationToken cancellationToken)
    {
        var expected = CachedGet.HashFile(env.Data.PathOf(rig.ColdName));
        foreach (var (_, contender) in RoundRobin.Schedule(rig.Contenders, 1))
        {
            var result = await StampedeAsync(contender, rig.ColdName, expected, cancellationToken);
            results.Cache.Stampedes.Add(result);
            Live.Print("cache-cold", $"{contender.Contender.Name,-24} {result.Clients} clients, {ByteSizeText.Format(result.ObjectSize)}: " + (result.Error ??
                $"upstream {(result.UpstreamBytes is { } up ? $"{up / (double)(1 << 20):0.0} MiB ({result.UpstreamMultiple:0.000}x the object) in {result.UpstreamRequests} requests" : result.UpstreamNote)}" +
                (result.GatewayUpstreamBytes is { } gw ? $" (gateway's metric {gw / (1 << 20):0.0} MiB)" : string.Empty) +
                $", {result.ExactClients}/{result.Clients} bodies exact, {result.Seconds:0.0} s, peak RSS {result.PeakRss / 1e6:0.0} MB (before {result.RssBefore / 1e6:0.0} MB), " +
                $"cache status {string.Join(", ", result.CacheStatuses.Select(s => $"{s.Key} x{s.Value}"))}" +
                (result.FirstClientError is null ? string.Empty : $"; first failure: {result.FirstClientError}")));
        }
    }

    private async Task<StampedeResult> StampedeAsync(CacheRigContender rigContender, string coldName, UInt128 expected, CancellationToken cancellationToken)
    {
        var contender = rigContender.Contender;
        var clients = env.Options.CacheClients;
        var size = env.Options.CacheColdSize;
        try
        {
            // A fresh process on an empty cache folder (CacheRig), warmed up with one small request.
            await env.RestartAsync(contender.Server, contender.UriFor(TestData.SmallName(env.Data.SmallSizes[0])));
        }
        catch (Exception ex) when (ex is BenchException or HttpRequestException)
        {
            return Failed($"restart failed: {ex.Message}");
        }

        var uri = contender.UriFor(coldName);
        var pids = contender.Process.Tree();
        foreach (var pid in pids)
        {
            ProcessMemory.ResetPeak(pid);
        }

        var before = pids.Sum(ProcessMemory.Rss);
        var mark = rigContender.Log?.Mark();
        var connections = new List<RawHttpConnection>();
        try
        {
            // Everyone connected first, then every GET released at once: one cold object, N simultaneous misses.
            connections.AddRange(await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => RawHttpConnection.OpenAsync(uri, receiveBufferSize: null, cancellationToken))));
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (CachedResponse? Response, string? Error)[] outcomes;
            double seconds;
            long peak;
            await using (var sampler = MemorySampler.Start(pids))
            {
                var tasks = connections.Select(connection => Task.Run(async () =>
                {
                    await go.Task;
                    try
                    {
                        return ((CachedResponse?)await CachedGet.ReadAsync(connection, uri, new byte[Download.BufferSize], hash: true, cancellationToken), (string?)null);
                    }
                    catch (Exception ex) when (ex is BenchException or IOException or System.Net.Sockets.SocketException)
                    {
                        return (null, ex.Message);
                    }
                }, cancellationToken)).ToArray();
                var clock = Stopwatch.StartNew();
                go.SetResult();
                outcomes = await Task.WhenAll(tasks);
                seconds = clock.Elapsed.TotalSeconds;
                peak = Math.Max(pids.Sum(ProcessMemory.PeakRss), sampler.PeakRss);
            }

            var upstream = rigContender.Log is { Unavailable: null } log && mark is { } m ? await log.SinceAsync(m, coldName, cancellationToken) : (UpstreamTraffic?)null;
            var metrics = rigContender.IsGateway ? await GatewayCacheMetrics.ScrapeAsync(contender.BaseUri, cancellationToken) : null;
            var statuses = outcomes.GroupBy(o => o.Response is { } r ? r.CacheStatus ?? None : "failed").OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count());
            var exact = outcomes.Count(o => o.Response is { } r && r.Bytes == size && r.Hash == expected);
            var firstError = outcomes.Select(o => o.Error).FirstOrDefault(e => e is not null)
                ?? (exact < clients ? "a body differs from the file (length or XXH128)" : null);
            return new StampedeResult(contender.Key, size, clients, seconds, upstream?.Bytes, upstream?.Requests,
                rigContender.Log?.Unavailable ?? (rigContender.Log is null ? "no upstream log" : null), exact, statuses, before, peak,
                metrics?.UpstreamBytes, firstError, null);
        }
        catch (Exception ex) when (ex is BenchException or IOException or System.Net.Sockets.SocketException)
        {
            return Failed($"failed: {ex.Message}");
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection.Dispose();
            }
        }

        StampedeResult Failed(string error) =>
            new(contender.Key, size, clients, 0, null, null, null, 0, new Dictionary<string, int>(), 0, 0, null, null, error);
    }

    private static async Task<long?> UpstreamBytesAsync(CacheRigContender contender, long? mark, string objectName, CancellationToken cancellationToken) =>
        contender.Log is { Unavailable: null } log && mark is { } m ? (await log.SinceAsync(m, objectName, cancellationToken)).Bytes : null;

    private Task<string> RunWrkAsync(CacheRigContender contender, long size, TimeSpan duration, CancellationToken cancellationToken) =>
        WrkRunner.RunAsync(contender.Contender.UriFor(TestData.SmallName(size)), env.Options.WrkThreads, env.Options.WrkConnections, duration, cancellationToken);

    /// <summary>What must be idle before a measurement starts (see <see cref="BenchEnvironment.ServerProcessIds"/>).</summary>
    private static HashSet<int> ProcessIds(IEnumerable<CacheRigContender> contenders) =>
        contenders.SelectMany(c => c.Contender.ProcessIds()).ToHashSet();
}
