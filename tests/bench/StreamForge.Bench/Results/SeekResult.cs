namespace StreamForge.Bench.Results;

/// <param name="LatenciesMs">Request sent to last body byte, per range request.</param>
/// <param name="Unsupported">Set when the contender answered a Range request with 200 (no range support).</param>
internal sealed record SeekResult(string Contender, IReadOnlyList<double> LatenciesMs, string? Unsupported, string? Error);
