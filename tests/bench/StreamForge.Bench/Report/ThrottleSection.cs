using System.Text;
using StreamForge.Bench.Options;

namespace StreamForge.Bench.Report;

internal static class ThrottleSection
{
    public static void Write(StringBuilder md, ReportData data, BenchOptions options)
    {
        md.AppendLine("## f. Throttle accuracy").AppendLine();
        md.AppendLine($"One download of the large object per route and rate through a gateway whose routes use stream policies with " +
            $"`Throttle:BytesPerSecond`, read as fast as the client can for {DurationText.Format(options.ThrottleDuration)}; the achieved rate leaves out " +
            "the first third of the window (at most 1 s) so that an initial burst does not count.").AppendLine();
        var results = data.Results.Throttle;
        if (results.Count > 0 && results.All(r => r.Achieved is null) && results.Select(r => r.Note).Distinct().Count() == 1)
        {
            md.AppendLine($"**{results[0].Note}**").AppendLine();
            return;
        }

        if (results.Any(r => r.Achieved is not null))
        {
            md.AppendLine("![throttle accuracy](throttle.png)").AppendLine();
        }

        var table = new MarkdownTable("route", "configured", "achieved", "achieved / configured", "note");
        foreach (var result in results)
        {
            table.Row(result.Route, ByteSizeText.FormatRate(result.Configured),
                result.Achieved is { } achieved ? ByteSizeText.FormatRate(achieved) : Format.Missing,
                result.Achieved is { } a ? Format.Ratio(a, result.Configured) : Format.Missing,
                result.Note ?? string.Empty);
        }

        table.WriteTo(md);
    }
}
