using System.Text;
using StreamForge.Bench.Options;
using StreamForge.Bench.Results;

namespace StreamForge.Bench.Report;

/// <summary>The report: machine and exact parameters first, then the summary, then one section per measurement.</summary>
internal static class MarkdownReport
{
    public static string Build(ReportData data, BenchOptions options, MachineInfo machine, string commandLine, IReadOnlyList<string> setup)
    {
        var md = new StringBuilder();
        md.AppendLine("# StreamForge Gateway benchmark").AppendLine();
        md.AppendLine($"Written by `tests/bench/run.sh` ([README.md]({(options.IsQuick ? "../../../README.md" : "../README.md")}) says what is measured and how) " +
            $"on {data.Results.Started:yyyy-MM-dd HH:mm} UTC in {data.Results.Elapsed.TotalMinutes:0.0} minutes" +
            (options.IsQuick ? ". **Quick mode: small sizes and short runs; a smoke test of the harness, not figures to quote.**" : ".") +
            " Every sample is in `results/raw/<run>/results.json` (not committed), wrk's own reports and the servers' logs beside it.").AppendLine();

        md.AppendLine("## Machine").AppendLine();
        var machineTable = new MarkdownTable("", "");
        foreach (var (name, value) in machine.Facts)
        {
            machineTable.Row(name, value);
        }

        machineTable.WriteTo(md);

        md.AppendLine("## Parameters").AppendLine();
        md.AppendLine($"Command: `{commandLine}`").AppendLine();
        var parameters = new MarkdownTable("option", "value");
        foreach (var (option, value) in options.Describe())
        {
            parameters.Row($"`{option}`", value);
        }

        parameters.WriteTo(md);
        md.AppendLine("Set-up:").AppendLine();
        foreach (var line in setup.Concat(data.Results.Notes))
        {
            md.AppendLine($"- {line}");
        }

        md.AppendLine();
        SummarySection.Write(md, data);
        S3RouteSection.Write(md, data);
        if (data.Results.Downloads.Count > 0)
        {
            DownloadSection.Write(md, data, ByteSizeText.Format(options.LargeSize));
        }

        if (data.Results.SmallObjects.Count > 0)
        {
            SmallObjectSection.Write(md, data, options);
        }

        if (data.Results.Memory.Count > 0)
        {
            MemorySection.Write(md, data, options);
        }

        if (data.Results.Seeks.Count > 0)
        {
            SeekSection.Write(md, data, options);
        }

        if (data.Results.Uploads.Count > 0)
        {
            UploadSection.Write(md, data, options);
        }

        if (data.Results.Throttle.Count > 0)
        {
            ThrottleSection.Write(md, data, options);
        }

        if (data.HasCache)
        {
            CacheSection.Write(md, data, options);
        }

        return md.ToString().TrimEnd() + Environment.NewLine;
    }
}
