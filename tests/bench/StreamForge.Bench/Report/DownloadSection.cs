using System.Text;
using StreamForge.Bench.Hosting;

namespace StreamForge.Bench.Report;

internal static class DownloadSection
{
    public static void Write(StringBuilder md, ReportData data, string largeSize)
    {
        md.AppendLine("## a. Large downloads").AppendLine();
        md.AppendLine($"Whole-object GETs of the {largeSize} object, 1 and several concurrent streams, after 320 unmeasured small GETs per contender (the per-request code) and unmeasured GETs at each stream count until its CPU per GB, with its upstream's, stops falling (2 to 5); aggregate decimal GB/s, median over rounds. " +
            $"Target for the gateway: at least {Targets.DownloadVsTunedNginx:0.0}x tuned nginx and {Targets.DownloadVsBareYarp:0.0}x bare YARP. " +
            "**CPU s/GB**: CPU time (user + system) the contender's processes spent per GB delivered; **upstream CPU s/GB**: the same for the " +
            "server behind it (the nginx origin, or s3rver). With client, proxy and upstream on 2 cores, these tell what limits a contender: " +
            "a single-threaded upstream (s3rver) near 1 s of CPU per second is saturated.").AppendLine();
        md.AppendLine("![large downloads](large-downloads.png)").AppendLine();
        foreach (var streams in data.DownloadStreams)
        {
            md.AppendLine($"**{streams} stream{(streams == 1 ? string.Empty : "s")}**").AppendLine();
            var table = new MarkdownTable("contender", "GB/s", "x direct", "x tuned nginx", "x bare YARP", "CPU s/GB", "upstream CPU s/GB", "target");
            var direct = data.Download(ContenderKeys.Direct, streams);
            var tuned = data.Download(ContenderKeys.NginxTuned, streams);
            var yarp = data.Download(ContenderKeys.BareYarp, streams);
            foreach (var (key, name) in data.Contenders)
            {
                var value = data.Download(key, streams);
                var target = ContenderKeys.IsJudgedAgainstFileOrigin(key) ? Check(value, tuned, yarp) : string.Empty;
                var (cpu, upstreamCpu) = data.DownloadCpu(key, streams);
                table.Row(name, data.DownloadError(key, streams) ?? Format.Number(value, "0.000"), Format.Ratio(value, direct),
                    Format.Ratio(value, tuned), Format.Ratio(value, yarp), Format.Number(cpu), Format.Number(upstreamCpu), target);
            }

            table.WriteTo(md);
        }
    }

    public static string Check(double value, double tuned, double yarp)
    {
        var vsTuned = Targets.AtLeast(value, tuned, Targets.DownloadVsTunedNginx);
        var vsYarp = Targets.AtLeast(value, yarp, Targets.DownloadVsBareYarp);
        return $"vs nginx {Format.Check(vsTuned)}, vs YARP {Format.Check(vsYarp)}";
    }
}
