using System.Text;
using StreamForge.Bench.Hosting;
using StreamForge.Bench.Results;

namespace StreamForge.Bench.Report;

/// <summary>
/// The S3 route against the S3 server it reads and writes, read and written directly by the same client, with the
/// tuned nginx proxy in front of the same server beside it: where nginx falls as short of the direct figure, the
/// gap is the machine's (one more process on the 2 cores that s3rver and the client share), not the gateway's.
/// </summary>
internal static class S3RouteSection
{
    public static void Write(StringBuilder md, ReportData data)
    {
        if (!data.Contenders.Any(c => c.Key == ContenderKeys.GatewayS3) || !data.Contenders.Any(c => c.Key == ContenderKeys.S3Direct))
        {
            return;
        }

        var table = new MarkdownTable("target", "gateway: S3", "nginx proxy (tuned) to S3", "S3 server (direct)", "gateway / direct", "nginx / direct", "met");
        foreach (var streams in data.DownloadStreams)
        {
            var gateway = data.Download(ContenderKeys.GatewayS3, streams);
            var nginx = data.Download(ContenderKeys.NginxS3, streams);
            var direct = data.Download(ContenderKeys.S3Direct, streams);
            table.Row($"large downloads, {streams} stream(s): >= {Targets.S3DownloadVsDirect:0.0}x direct", GBps(gateway), GBps(nginx), GBps(direct),
                Format.Ratio(gateway, direct), Format.Ratio(nginx, direct), Format.Check(Targets.AtLeast(gateway, direct, Targets.S3DownloadVsDirect)));
            var cpu = data.DownloadCpu(ContenderKeys.GatewayS3, streams).Contender;
            var nginxCpu = data.DownloadCpu(ContenderKeys.NginxS3, streams).Contender;
            table.Row($"large downloads, {streams} stream(s): gateway CPU <= {Targets.S3CpuSecondsPerGb:0.0} s/GB", $"{Format.Number(cpu)} s/GB",
                $"{Format.Number(nginxCpu)} s/GB", string.Empty, string.Empty, string.Empty, Format.Check(Targets.AtMost(cpu, Targets.S3CpuSecondsPerGb)));
        }

        if (data.Results.RangeDownloads.Count > 0)
        {
            var gateway = data.RangeDownload(ContenderKeys.GatewayS3);
            var nginx = data.RangeDownload(ContenderKeys.NginxS3);
            var direct = data.RangeDownload(ContenderKeys.S3Direct);
            table.Row($"open-ended ranges, 1 stream: >= {Targets.S3DownloadVsDirect:0.0}x direct", GBps(gateway.GBps), GBps(nginx.GBps), GBps(direct.GBps),
                Format.Ratio(gateway.GBps, direct.GBps), Format.Ratio(nginx.GBps, direct.GBps), Format.Check(Targets.AtLeast(gateway.GBps, direct.GBps, Targets.S3DownloadVsDirect)));
            table.Row($"open-ended ranges, 1 stream: gateway CPU <= {Targets.S3CpuSecondsPerGb:0.0} s/GB", $"{Format.Number(gateway.Cpu)} s/GB",
                $"{Format.Number(nginx.Cpu)} s/GB", string.Empty, string.Empty, string.Empty, Format.Check(Targets.AtMost(gateway.Cpu, Targets.S3CpuSecondsPerGb)));
        }

        if (P99(data, ContenderKeys.GatewayS3) is { } p99 && P99(data, ContenderKeys.S3Direct) is { } directP99)
        {
            var nginxP99 = P99(data, ContenderKeys.NginxS3) ?? double.NaN;
            table.Row($"seeks: p99 <= {Targets.S3SeekP99VsDirect:0}x direct", $"{Format.Number(p99)} ms", $"{Format.Number(nginxP99)} ms",
                $"{Format.Number(directP99)} ms", Format.Ratio(p99, directP99), Format.Ratio(nginxP99, directP99),
                Format.Check(Targets.AtMost(p99, directP99 * Targets.S3SeekP99VsDirect)));
        }

        foreach (var streams in data.UploadStreams)
        {
            var gateway = data.Upload(ContenderKeys.GatewayS3, streams).GBps;
            var nginx = data.Upload(ContenderKeys.NginxS3, streams).GBps;
            var direct = data.Upload(ContenderKeys.S3Direct, streams).GBps;
            table.Row($"uploads, {streams} stream(s): >= {Targets.S3UploadVsDirect:0.0}x direct PUT", GBps(gateway), GBps(nginx), GBps(direct),
                Format.Ratio(gateway, direct), Format.Ratio(nginx, direct), Format.Check(Targets.AtLeast(gateway, direct, Targets.S3UploadVsDirect)));
        }

        // Phases that do not touch the S3 route (e.g. --only cache) leave nothing to compare.
        if (table.RowCount == 0)
        {
            return;
        }

        md.AppendLine("## S3 route against the S3 server itself").AppendLine();
        md.AppendLine("The same client reads and writes the same objects on the same s3rver: through the gateway's S3 route, through the tuned " +
            "nginx proxy (the reference proxy: what a mature proxy keeps of the direct figure on the same 2 cores), and directly. " +
            "Targets are the gateway's; shown, not asserted.").AppendLine();
        table.WriteTo(md);
    }

    private static string GBps(double value) => $"{Format.Number(value, "0.000")} GB/s";

    private static double? P99(ReportData data, string contender) =>
        data.Seek(contender) is { Error: null, Unsupported: null } seek ? Stats.Percentile(seek.LatenciesMs, 99) : null;
}
