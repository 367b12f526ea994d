namespace StreamForge.Bench.Report;

/// <param name="Values">One per category; NaN draws no bar, and the label (e.g. "no range support") says why.</param>
internal sealed record ChartSeries(string Name, IReadOnlyList<double> Values, IReadOnlyList<string> Labels);
