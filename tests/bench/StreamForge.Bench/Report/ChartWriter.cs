using ScottPlot;

namespace StreamForge.Bench.Report;

/// <summary>
/// Horizontal grouped bar charts (ScottPlot): one group per contender, read top to bottom in report order,
/// each bar labelled with its figure, so the PNG is readable without the table beside it.
/// </summary>
internal static class ChartWriter
{
    private static readonly Color[] Palette = [Colors.SteelBlue, Colors.DarkOrange, Colors.SeaGreen, Colors.Crimson];

    public static void GroupedBars(string path, string title, string axisLabel, IReadOnlyList<string> categories,
        IReadOnlyList<ChartSeries> series, (double Value, string Label)? reference = null)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        var bars = new List<Bar>();
        var groupSize = series.Count + 1;
        var ticks = new List<double>();
        for (var c = 0; c < categories.Count; c++)
        {
            // Negative positions put the first category at the top, as in the tables.
            var groupTop = -c * groupSize;
            ticks.Add(groupTop - (series.Count - 1) / 2.0);
            for (var s = 0; s < series.Count; s++)
            {
                var value = series[s].Values[c];
                bars.Add(new Bar
                {
                    Position = groupTop - s,
                    Value = double.IsFinite(value) ? value : 0,
                    FillColor = Palette[s % Palette.Length],
                    Label = series[s].Labels[c],
                });
            }
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        barPlot.ValueLabelStyle.FontSize = 13;
        plot.Axes.Left.SetTicks([.. ticks], [.. categories]);
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Grid.YAxisStyle.MajorLineStyle.Width = 0;

        if (reference is { } line)
        {
            plot.Add.VerticalLine(line.Value, 2, Colors.Black, LinePattern.Dashed);
        }

        foreach (var (s, i) in series.Select((s, i) => (s, i)))
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = s.Name, FillColor = Palette[i % Palette.Length] });
        }

        if (reference is { } withLabel)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = withLabel.Label, LineColor = Colors.Black, LineWidth = 2, LinePattern = LinePattern.Dashed });
        }

        // Below the plot, not over it: a long bar at the bottom would hide under an inner legend.
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.Legend.FontSize = 13;
        plot.Title(title, size: 18);
        plot.XLabel(axisLabel, size: 14);
        // Room on the right for the bar labels.
        plot.Axes.Margins(left: 0, right: 0.22, bottom: 0.02, top: 0.02);
        var height = 150 + categories.Count * (series.Count * 26 + 24);
        plot.SavePng(path, 1100, Math.Max(320, height));
    }
}
