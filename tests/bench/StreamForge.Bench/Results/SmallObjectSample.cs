namespace StreamForge.Bench.Results;

internal sealed record SmallObjectSample(string Contender, long Size, int Round, WrkResult? Result, string? Error);
