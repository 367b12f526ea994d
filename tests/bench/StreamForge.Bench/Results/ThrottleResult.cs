namespace StreamForge.Bench.Results;

/// <param name="Route">"file store" or "origin".</param>
/// <param name="Achieved">Bytes per second after the first second (so an initial burst does not count); null when
/// not measured.</param>
/// <param name="Note">"throttling not available" and why, or null when throttled.</param>
internal sealed record ThrottleResult(string Route, long Configured, double? Achieved, string? Note);
