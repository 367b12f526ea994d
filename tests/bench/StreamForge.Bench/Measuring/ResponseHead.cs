namespace StreamForge.Bench.Measuring;

internal sealed record ResponseHead(int Status, long? ContentLength, bool Chunked, string? ContentRange);
