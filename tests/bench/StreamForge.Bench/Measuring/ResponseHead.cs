namespace StreamForge.Bench.Measuring;

/// <param name="Headers">Every header by name (case-insensitive; repeated headers joined with ", ").</param>
internal sealed record ResponseHead(int Status, long? ContentLength, bool Chunked, string? ContentRange, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
