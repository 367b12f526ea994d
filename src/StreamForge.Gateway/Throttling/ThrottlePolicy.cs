namespace StreamForge.Gateway.Throttling;

/// <summary>Bandwidth limits of one stream policy (configuration section "Throttle"); null means unlimited.</summary>
/// <param name="BytesPerSecond">Per-stream rate (each response or upload body on its own).</param>
/// <param name="BurstBytes">
/// Capacity of every bucket: what an idle stream, client or route may send at full speed before pacing starts.
/// </param>
/// <param name="RateAfterBytes">
/// Like nginx's <c>limit_rate_after</c>: the first bytes of a stream are exempt from <paramref name="BytesPerSecond"/>
/// so a player fills its buffer fast, then is paced. The client and route limits still count those bytes: they
/// protect shared capacity, which a player's start-up uses as much as any other bytes.
/// </param>
/// <param name="PerClientBytesPerSecond">Shared by all concurrent streams of one client on one route.</param>
/// <param name="PerRouteBytesPerSecond">Shared by all streams of all clients on one route.</param>
internal sealed record ThrottlePolicy(
    long? BytesPerSecond,
    long BurstBytes,
    long RateAfterBytes,
    long? PerClientBytesPerSecond,
    long? PerRouteBytesPerSecond)
{
    public static ThrottlePolicy Unlimited { get; } = new(null, 0, 0, null, null);

    public bool IsUnlimited => BytesPerSecond is null && PerClientBytesPerSecond is null && PerRouteBytesPerSecond is null;
}
