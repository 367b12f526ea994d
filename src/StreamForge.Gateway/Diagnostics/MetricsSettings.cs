namespace StreamForge.Gateway.Diagnostics;

/// <summary>How the gateway's metrics are kept (<c>StreamForge:Metrics</c>, read at start-up).</summary>
/// <param name="CardinalityLimit">
/// Label combinations kept per metric; measurements beyond it are counted in one series marked
/// <c>otel_metric_overflow="true"</c>. OpenTelemetry allocates this many points up front for every metric stream in
/// use (about 70 here, 72 bytes a point): its own default of 2000 held 10 MB of heap, which showed up as a tenth of
/// the gateway's peak memory under 100 slow clients (tests/bench/README.md, "The targets, one by one").
/// </param>
internal sealed record MetricsSettings(int CardinalityLimit)
{
    public static MetricsSettings Default { get; } = new(500);
}
