using System.Text;
using StreamForge.Bench.Hosting;
using StreamForge.Bench.Options;

namespace StreamForge.Bench.Report;

internal static class UploadSection
{
    public static void Write(StringBuilder md, ReportData data, BenchOptions options)
    {
        md.AppendLine("## e. Uploads").AppendLine();
        md.AppendLine($"PUT with Content-Length, {ByteSizeText.Format(options.UploadSize)} per upload, {string.Join(" and ", options.UploadStreams)} concurrent; " +
            "aggregate decimal GB/s (median over rounds) and the receiving process's peak RSS (VmHWM reset before each run; the highest of the rounds). " +
            "The reference is a bare Kestrel app (tests/bench/BareUpload) copying the body to a file in 64 KiB writes, as the gateway's file store does. " +
            "Each stored object's length is checked, then it is deleted. S3 figures include the emulator's own cost (tests/tools/s3server: one " +
            "JavaScript thread, an MD5 and a CRC32 of every byte): the gateway sends each body as one PutObject over a presigned URL, unsigned and " +
            "unframed like the direct PUT, and checks the CRC32 the server reports.").AppendLine();
        md.AppendLine("![uploads](uploads.png)").AppendLine();
        md.AppendLine("**CPU s/GB**: CPU time (user + system) of the receiving process per GB stored; **upstream CPU s/GB**: the same for " +
            "s3rver behind the gateway's S3 route (for the direct PUT, s3rver is the receiving process).").AppendLine();
        var table = new MarkdownTable("target", "uploads", "GB/s", "x bare Kestrel", "CPU s/GB", "upstream CPU s/GB", "peak RSS MB");
        foreach (var streams in data.UploadStreams)
        {
            var reference = data.Upload(ContenderKeys.BareUpload, streams).GBps;
            foreach (var (key, name) in data.UploadTargets)
            {
                var (gbps, peak, error) = data.Upload(key, streams);
                var (cpu, upstreamCpu) = data.UploadCpu(key, streams);
                table.Row(name, streams.ToString(), error ?? Format.Number(gbps, "0.000"), Format.Ratio(gbps, reference),
                    Format.Number(cpu, "0.00"), Format.Number(upstreamCpu, "0.00"), Format.Megabytes(peak));
            }
        }

        table.WriteTo(md);
    }
}
