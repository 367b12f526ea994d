using System.Globalization;
using System.Text;
using StreamForge.Bench.Hosting;
using StreamForge.Bench.Options;
using StreamForge.Bench.Results;

namespace StreamForge.Bench.Report;

/// <summary>g. Edge cache: the section, and its rows of the summary's goal table.</summary>
internal static class CacheSection
{
    private static readonly string[] GatewayCaches = [ContenderKeys.GatewayOriginCache, ContenderKeys.GatewayS3Cache];

    public static void Write(StringBuilder md, ReportData data, BenchOptions options)
    {
        var cache = data.Results.Cache;
        md.AppendLine("## g. Edge cache").AppendLine();
        md.AppendLine("Issue #12's figures, side by side. **nginx proxy_cache**: nginx in front of the origin with `proxy_cache` and the slice module " +
            "(`slice 8m`, `proxy_cache_key $uri$is_args$args$slice_range`, `proxy_set_header Range $slice_range`, `proxy_cache_valid 200 206 1h`, " +
            "`proxy_cache_lock on`, `keepalive 256` to the origin). **gateway: origin cache** and **gateway: S3 cache**: the gateway's origin and S3 routes " +
            $"with `StreamForge:Cache` (`MaxSize` {CacheRig.MaxSize}) and the default policy's `Cache` (`Enabled`, `Ttl` {CacheRig.Ttl}, `StaleIfError` {CacheRig.StaleIfError}). " +
            "Every cache starts on an empty folder of its own. Their origin is a second nginx with the origin's settings and root plus an access log " +
            "and `expires 1h`; their S3 server a second s3rver with the launcher's request log: **upstream bytes** are the body bytes those logs say they sent " +
            "for the object, the same way for every contender. **gateway: file store** is the reference for the \"0.9x the file store\" goals.").AppendLine();
        foreach (var contender in cache.Contenders.Where(c => c.Unavailable is not null))
        {
            md.AppendLine($"- **{contender.Name}**: {contender.Unavailable}");
        }

        if (cache.Contenders.Any(c => c.Unavailable is not null))
        {
            md.AppendLine();
        }

        var measured = cache.Contenders.Where(c => c.Unavailable is null).ToArray();
        if (cache.Downloads.Count > 0)
        {
            WriteHits(md, data, measured);
        }

        if (cache.SmallObjects.Count > 0)
        {
            WriteSmall(md, data, measured, options);
        }

        if (cache.Stampedes.Count > 0 || cache.Contenders.Any(c => !c.IsReference))
        {
            WriteStampede(md, data, options);
        }
    }

    /// <summary>The goal table's rows for the gateway's caches (a table of its own: its columns are the cache contenders).</summary>
    public static void WriteTargets(StringBuilder md, ReportData data)
    {
        var gateways = data.Results.Cache.Contenders.Where(c => GatewayCaches.Contains(c.Key)).ToArray();
        if (gateways.Length == 0)
        {
            return;
        }

        md.AppendLine("**Edge cache (g)**").AppendLine();
        var table = new MarkdownTable(["target", .. gateways.Select(g => g.Name)]);
        foreach (var streams in data.CacheStreams)
        {
            var nginx = data.CacheHit(ContenderKeys.NginxCache, streams);
            var files = data.CacheHit(ContenderKeys.GatewayFiles, streams);
            table.Row([$"cache-hit download, {streams} stream(s): >= {Targets.CacheHitVsNginxCache:0.0}x nginx proxy_cache hits",
                .. gateways.Select(g => Cell(g, Format.Ratio(data.CacheHit(g.Key, streams), nginx), Targets.AtLeast(data.CacheHit(g.Key, streams), nginx, Targets.CacheHitVsNginxCache)))]);
            table.Row([$"cache-hit download, {streams} stream(s): >= {Targets.CacheHitVsFileStore:0.0}x gateway file store",
                .. gateways.Select(g => Cell(g, Format.Ratio(data.CacheHit(g.Key, streams), files), Targets.AtLeast(data.CacheHit(g.Key, streams), files, Targets.CacheHitVsFileStore)))]);
        }

        foreach (var size in data.CacheSmallSizes)
        {
            var files = data.CacheSmall(ContenderKeys.GatewayFiles, size).Rps;
            table.Row([$"cache-hit small {ByteSizeText.Format(size)}: req/s >= {Targets.CacheSmallVsFileStore:0.0}x gateway file store",
                .. gateways.Select(g => Cell(g, Format.Ratio(data.CacheSmall(g.Key, size).Rps, files), Targets.AtLeast(data.CacheSmall(g.Key, size).Rps, files, Targets.CacheSmallVsFileStore)))]);
        }

        table.Row([$"cold stampede: upstream bytes <= 1.0x the object + one slice ({ByteSizeText.Format(Targets.StampedeExtraSlice)})",
            .. gateways.Select(g => data.Stampede(g.Key) is { } s ? Cell(g, UpstreamFigure(s), StampedeMet(s)) : Cell(g, Format.Missing, null))]);
        table.Row(["cold stampede: every client's body byte-exact",
            .. gateways.Select(g => data.Stampede(g.Key) is { Error: null } s ? Cell(g, $"{s.ExactClients}/{s.Clients}", s.ExactClients == s.Clients) : Cell(g, Format.Missing, null))]);
        table.WriteTo(md);
    }

    public static bool? StampedeMet(StampedeResult s) =>
        s.Error is null && s.UpstreamBytes is { } bytes ? bytes <= s.ObjectSize + Targets.StampedeExtraSlice : null;

    private static void WriteHits(StringBuilder md, ReportData data, IReadOnlyList<CacheContender> measured)
    {
        md.AppendLine("### g.1 Cache-hit large downloads").AppendLine();
        md.AppendLine($"Whole-object GETs of the large object after one warming read, 1 and several concurrent streams, aggregate decimal GB/s, median over rounds. " +
            "**hits**: responses whose cache status said hit (nginx `X-Cache-Status: HIT`, the gateway's `Cache-Status: ...; hit`), over all rounds; " +
            "**upstream MB**: what the upstream sent for the object meanwhile (0 for true hits), summed over rounds. " +
            $"Goals for the gateway's caches: at least {Targets.CacheHitVsNginxCache:0.0}x nginx proxy_cache hits and {Targets.CacheHitVsFileStore:0.0}x the gateway's file store.").AppendLine();
        md.AppendLine("![cache-hit downloads](cache-hits.png)").AppendLine();
        var table = new MarkdownTable("contender", "streams", "GB/s", "x nginx proxy_cache", "x file store", "CPU s/GB", "hits", "cache status", "upstream MB", "target");
        foreach (var streams in data.CacheStreams)
        {
            var nginx = data.CacheHit(ContenderKeys.NginxCache, streams);
            var files = data.CacheHit(ContenderKeys.GatewayFiles, streams);
            foreach (var contender in measured)
            {
                var samples = data.CacheHitSamples(contender.Key, streams);
                if (samples.Count == 0)
                {
                    continue;
                }

                var value = data.CacheHit(contender.Key, streams);
                var error = samples.FirstOrDefault(s => s.Error is not null)?.Error;
                var upstream = samples.Where(s => s.UpstreamBytes is not null).Select(s => s.UpstreamBytes!.Value).ToArray();
                var target = GatewayCaches.Contains(contender.Key)
                    ? $"vs nginx {Format.Check(Targets.AtLeast(value, nginx, Targets.CacheHitVsNginxCache))}, vs file store {Format.Check(Targets.AtLeast(value, files, Targets.CacheHitVsFileStore))}"
                    : string.Empty;
                table.Row(contender.Name, streams.ToString(CultureInfo.InvariantCulture), error ?? Format.Number(value, "0.000"), Format.Ratio(value, nginx),
                    Format.Ratio(value, files), Format.Number(Stats.Median(samples.Select(s => s.CpuPerGigabyte))),
                    contender.IsReference ? "no cache" : $"{samples.Sum(s => s.Hits)}/{samples.Where(s => s.Error is null).Sum(s => s.Streams)}",
                    string.Join(", ", samples.SelectMany(s => s.CacheStatuses).Distinct()),
                    upstream.Length == 0 ? Format.Missing : Format.Megabytes(upstream.Sum()), target);
            }
        }

        table.WriteTo(md);
    }

    private static void WriteSmall(StringBuilder md, ReportData data, IReadOnlyList<CacheContender> measured, BenchOptions options)
    {
        md.AppendLine("### g.2 Cache-hit small objects").AppendLine();
        md.AppendLine($"wrk -t{options.WrkThreads} -c{options.WrkConnections} -d{DurationText.Format(options.WrkDuration).Replace(" ", string.Empty)} --latency on each small object, " +
            $"warmed (two GETs, then wrk: {DurationText.Format(options.SmallWarmup)} on the first size, 1 s on the others), medians over {options.SmallRounds} rounds. **cache status**: what a GET said right after the warm-up; " +
            $"**upstream KB**: what the upstream sent for the object during the wrk runs. Goal for the gateway's caches: at least {Targets.CacheSmallVsFileStore:0.0}x the file store's requests/s.").AppendLine();
        md.AppendLine("![cache-hit small objects](cache-small.png)").AppendLine();
        var table = new MarkdownTable("contender", "object", "req/s", "x file store", "p50 ms", "p99 ms", "cache status", "upstream KB", "target");
        foreach (var size in data.CacheSmallSizes)
        {
            var files = data.CacheSmall(ContenderKeys.GatewayFiles, size).Rps;
            foreach (var contender in measured)
            {
                var (rps, p50, p99, status, upstream, error) = data.CacheSmall(contender.Key, size);
                var target = GatewayCaches.Contains(contender.Key) ? $"req/s {Format.Check(Targets.AtLeast(rps, files, Targets.CacheSmallVsFileStore))}" : string.Empty;
                table.Row(contender.Name + (error is null ? string.Empty : $" ({error})"), ByteSizeText.Format(size), Format.Number(rps, "0"), Format.Ratio(rps, files),
                    Format.Number(p50), Format.Number(p99), contender.IsReference ? "no cache" : status ?? "none",
                    upstream is { } bytes ? (bytes / 1e3).ToString("0.0", CultureInfo.InvariantCulture) : Format.Missing, target);
            }
        }

        table.WriteTo(md);
    }

    private static void WriteStampede(StringBuilder md, ReportData data, BenchOptions options)
    {
        md.AppendLine("### g.3 Cold stampede").AppendLine();
        md.AppendLine($"Each cache is restarted on an empty folder (and warmed up with one small request); {options.CacheClients} clients connect, then all send " +
            $"`GET` for the {ByteSizeText.Format(options.CacheColdSize)} cold object at once. **upstream**: body bytes the upstream's log says it sent for the object " +
            "(the origin's `$body_bytes_sent`, the S3 launcher's request log), as a multiple of the object; **gateway metric**: the gateway's own " +
            "`streamforge_cache_upstream_bytes_total` since its start; **exact**: clients whose body had the file's length and XXH128; **peak RSS**: " +
            "VmHWM of the cache's processes, reset just before. " +
            $"Goal for the gateway's caches: upstream bytes at most the object plus one slice ({ByteSizeText.Format(Targets.StampedeExtraSlice)}), every body exact.").AppendLine();
        md.AppendLine("![cold stampede: upstream bytes](cache-stampede.png)").AppendLine();
        var table = new MarkdownTable("contender", "upstream MiB", "x object", "upstream requests", "gateway metric MiB", "exact", "cache status", "time s",
            "RSS before MB", "peak RSS MB", "target");
        foreach (var contender in data.Results.Cache.Contenders.Where(c => !c.IsReference))
        {
            if (contender.Unavailable is not null)
            {
                table.Row(contender.Name, "not available", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
                continue;
            }

            if (data.Stampede(contender.Key) is not { } s)
            {
                continue;
            }

            if (s.Error is not null)
            {
                table.Row(contender.Name, s.Error, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
                continue;
            }

            var target = GatewayCaches.Contains(contender.Key)
                ? $"upstream {Format.Check(StampedeMet(s))}, exact {Format.Check(s.ExactClients == s.Clients)}"
                : string.Empty;
            table.Row(contender.Name, s.UpstreamBytes is { } bytes ? Mebibytes(bytes) : s.UpstreamNote ?? Format.Missing, Format.Number(s.UpstreamMultiple, "0.000") + (double.IsFinite(s.UpstreamMultiple) ? "x" : string.Empty),
                s.UpstreamRequests?.ToString(CultureInfo.InvariantCulture) ?? Format.Missing, s.GatewayUpstreamBytes is { } gw ? Mebibytes((long)gw) : Format.Missing,
                $"{s.ExactClients}/{s.Clients}" + (s.FirstClientError is null ? string.Empty : $" ({s.FirstClientError})"),
                string.Join(", ", s.CacheStatuses.Select(c => $"{c.Key} x{c.Value}")), Format.Number(s.Seconds, "0.0"),
                Format.Megabytes(s.RssBefore), Format.Megabytes(s.PeakRss), target);
        }

        table.WriteTo(md);
    }

    private static string UpstreamFigure(StampedeResult s) =>
        s.UpstreamBytes is { } bytes ? $"{s.UpstreamMultiple:0.000}x ({Mebibytes(bytes)} MiB)" : s.Error ?? s.UpstreamNote ?? Format.Missing;

    private static string Mebibytes(long bytes) => (bytes / (double)(1 << 20)).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Cell(CacheContender contender, string figure, bool? met) =>
        contender.Unavailable is not null ? "not available" : met is null ? figure : $"{figure} {Format.Check(met)}";
}
