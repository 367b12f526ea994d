using System.Text;
using StreamForge.Bench.Options;
using StreamForge.Bench.Results;

namespace StreamForge.Bench.Report;

internal static class SeekSection
{
    public static void Write(StringBuilder md, ReportData data, BenchOptions options)
    {
        md.AppendLine("## d. Seeks").AppendLine();
        md.AppendLine($"{options.Seeks} random closed ranges (`Range: bytes=a-b`) of {ByteSizeText.Format(options.SeekSize)} in the large object, the same offsets " +
            $"for every contender, over one keep-alive connection each (HttpClient), interleaved in {options.SeekRounds} batches, after {options.SeekWarmup} unmeasured ranges per contender at other offsets (tiered compilation). Latency: request sent to last " +
            "byte read. A contender that answers 200 to a Range request has **no range support** (its body is not read).").AppendLine();
        md.AppendLine("![seek latency](seeks.png)").AppendLine();
        var table = new MarkdownTable("contender", "p50 ms", "p99 ms", "ranges");
        foreach (var (key, name) in data.Contenders)
        {
            if (data.Seek(key) is not { } seek)
            {
                continue;
            }

            if ((seek.Unsupported ?? seek.Error) is { } note)
            {
                table.Row(name, note, string.Empty, seek.LatenciesMs.Count.ToString());
                continue;
            }

            table.Row(name, Format.Number(Stats.Percentile(seek.LatenciesMs, 50)), Format.Number(Stats.Percentile(seek.LatenciesMs, 99)), seek.LatenciesMs.Count.ToString());
        }

        table.WriteTo(md);
    }
}
