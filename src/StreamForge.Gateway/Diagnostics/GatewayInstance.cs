namespace StreamForge.Gateway.Diagnostics;

/// <summary>
/// Identifies this gateway within its process. OpenTelemetry subscribes to meters by name, process-wide: a host
/// running several gateways (the functional tests do) would otherwise export and mix every instance's series.
/// </summary>
internal sealed class GatewayInstance
{
    public string Id { get; } = Guid.NewGuid().ToString("N");

    public bool Owns(System.Diagnostics.Metrics.Instrument instrument) =>
        instrument.Meter.Name != GatewayMetrics.MeterName
        || instrument.Meter.Tags?.Any(tag => tag.Key == GatewayMetrics.InstanceTag && Equals(tag.Value, Id)) == true;
}
