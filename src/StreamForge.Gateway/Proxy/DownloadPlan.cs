using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Proxy;

/// <param name="Spans">The byte spans to send (one for Single, several for Multiple, none otherwise).</param>
/// <param name="RangeKind">For the range metric: full, single, suffix, open_ended, multi, unsatisfiable, not_modified, precondition_failed.</param>
/// <param name="OpenEnded">The client asked for everything from an offset (<c>bytes=N-</c>, how players seek): always sliced upstream.</param>
internal sealed record DownloadPlan(DownloadPlanKind Kind, IReadOnlyList<ByteSpan> Spans, string RangeKind, bool Abusive = false, bool OpenEnded = false);
