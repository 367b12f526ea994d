using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Tests.Ranges;

/// <summary>Compact text forms of range results, so theory tables can state expectations as strings.</summary>
internal static class RangeText
{
    public static string Of(IReadOnlyList<RangeSpec>? specs) => specs is null ? "null" : string.Join(",", specs);

    public static string Of(IEnumerable<ByteSpan> spans) => string.Join(",", spans.Select(s => $"{s.First}-{s.Last}"));

    /// <summary>"Full", "Full (abusive)", "Unsatisfiable", "Single 0-499", "Multiple 0-0,9999-9999".</summary>
    public static string Of(RangeDecision decision)
    {
        var kind = decision.Kind.ToString();
        if (decision.Abusive)
        {
            kind += " (abusive)";
        }

        return decision.Spans.Count == 0 ? kind : $"{kind} {Of(decision.Spans)}";
    }
}
