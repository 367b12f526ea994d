using System.Text;
using StreamForge.Bench.Hosting;
using StreamForge.Bench.Results;

namespace StreamForge.Bench.Report;

/// <summary>The S3 route against the S3 server it reads and writes, read and written directly by the same client.</summary>
internal static class S3RouteSection
{
    public static void Write(StringBuilder md, ReportData data)
    {
        if (!data.Contenders.Any(c => c.Key == ContenderKeys.GatewayS3) || !data.Contenders.Any(c => c.Key == ContenderKeys.S3Direct))
        {
            return;
        }

        var table = new MarkdownTable("target", "gateway: S3", "S3 server (direct)", "ratio", "met");
        foreach (var streams in data.DownloadStreams)
        {
            var gateway = data.Download(ContenderKeys.GatewayS3, streams);
            var direct = data.Download(ContenderKeys.S3Direct, streams);
            table.Row($"large downloads, {streams} stream(s): >= {Targets.S3DownloadVsDirect:0.0}x direct", $"{Format.Number(gateway, "0.000")} GB/s",
                $"{Format.Number(direct, "0.000")} GB/s", Format.Ratio(gateway, direct), Format.Check(Targets.AtLeast(gateway, direct, Targets.S3DownloadVsDirect)));
            var cpu = data.DownloadCpu(ContenderKeys.GatewayS3, streams).Contender;
            table.Row($"large downloads, {streams} stream(s): gateway CPU <= {Targets.S3CpuSecondsPerGb:0.0} s/GB", $"{Format.Number(cpu)} s/GB",
                string.Empty, string.Empty, Format.Check(Targets.AtMost(cpu, Targets.S3CpuSecondsPerGb)));
        }

        if (data.Seek(ContenderKeys.GatewayS3) is { Error: null, Unsupported: null } seek && data.Seek(ContenderKeys.S3Direct) is { Error: null, Unsupported: null } directSeek)
        {
            var p99 = Stats.Percentile(seek.LatenciesMs, 99);
            var directP99 = Stats.Percentile(directSeek.LatenciesMs, 99);
            table.Row($"seeks: p99 <= {Targets.S3SeekP99VsDirect:0}x direct", $"{Format.Number(p99)} ms", $"{Format.Number(directP99)} ms",
                Format.Ratio(p99, directP99), Format.Check(Targets.AtMost(p99, directP99 * Targets.S3SeekP99VsDirect)));
        }

        foreach (var streams in data.UploadStreams)
        {
            var gateway = data.Upload(ContenderKeys.GatewayS3, streams);
            var direct = data.Upload(ContenderKeys.S3Direct, streams);
            table.Row($"uploads, {streams} stream(s): >= {Targets.S3UploadVsDirect:0.0}x direct PUT", $"{Format.Number(gateway.GBps, "0.000")} GB/s",
                $"{Format.Number(direct.GBps, "0.000")} GB/s", Format.Ratio(gateway.GBps, direct.GBps),
                Format.Check(Targets.AtLeast(gateway.GBps, direct.GBps, Targets.S3UploadVsDirect)));
        }

        // Phases that do not touch the S3 route (e.g. --only cache) leave nothing to compare.
        if (table.RowCount == 0)
        {
            return;
        }

        md.AppendLine("## S3 route against the S3 server itself").AppendLine();
        md.AppendLine("The same client reads and writes the same objects on the same s3rver, once through the gateway's S3 route and once directly. " +
            "Targets are shown, not asserted.").AppendLine();
        table.WriteTo(md);
    }
}
