namespace StreamForge.Gateway.Caching;

/// <summary>What one look at the origin found, shared by every request collapsed onto it.</summary>
/// <param name="Version">The version to serve: new, revalidated, or null when nothing can be stored.</param>
/// <param name="UpstreamStatus">The origin's status, or null when it could not be reached.</param>
/// <param name="Reason">Why nothing is stored, for the log and Cache-Status detail.</param>
/// <param name="TimedOut">The origin did not answer within the cluster's activity timeout.</param>
/// <param name="Held">The response itself, unread, when its body is a slice the probing client reads (see <see cref="HeldOriginResponse"/>).</param>
internal sealed record OriginProbe(OriginProbeOutcome Outcome, CachedVersion? Version, int? UpstreamStatus, string? Reason = null, bool TimedOut = false, HeldOriginResponse? Held = null);

internal enum OriginProbeOutcome
{
    Stored,
    Revalidated,
    Replaced,
    NotStorable,
    Failed,
}
