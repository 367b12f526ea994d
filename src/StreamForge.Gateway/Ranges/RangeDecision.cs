using System.Collections.ObjectModel;

namespace StreamForge.Gateway.Ranges;

/// <summary>
/// The outcome of <see cref="RangeNormalizer"/>: which status to send and which spans of the representation.
/// Spans is empty for Full and Unsatisfiable, holds one span for Single and two or more for Multiple.
/// </summary>
internal sealed record RangeDecision
{
    private static readonly ReadOnlyCollection<ByteSpan> NoSpans = ReadOnlyCollection<ByteSpan>.Empty;

    private RangeDecision(RangeDecisionKind kind, ReadOnlyCollection<ByteSpan> spans, bool abusive)
    {
        Kind = kind;
        Spans = spans;
        Abusive = abusive;
    }

    public static RangeDecision Full { get; } = new(RangeDecisionKind.Full, NoSpans, abusive: false);

    public static RangeDecision Unsatisfiable { get; } = new(RangeDecisionKind.Unsatisfiable, NoSpans, abusive: false);

    /// <summary>Full, because the range set was abusive and the route says ServeFull (worth a log line or metric).</summary>
    public static RangeDecision AbusiveFull { get; } = new(RangeDecisionKind.Full, NoSpans, abusive: true);

    /// <summary>Unsatisfiable, because the range set was abusive and the route says Reject.</summary>
    public static RangeDecision AbusiveUnsatisfiable { get; } = new(RangeDecisionKind.Unsatisfiable, NoSpans, abusive: true);

    public RangeDecisionKind Kind { get; }

    public IReadOnlyList<ByteSpan> Spans { get; }

    /// <summary>True when the decision comes from the CVE-2011-3192 guard rather than from the ranges themselves.</summary>
    public bool Abusive { get; }

    /// <summary>The one span of a Single decision.</summary>
    public ByteSpan Span => Kind == RangeDecisionKind.Single
        ? Spans[0]
        : throw new InvalidOperationException($"a {Kind} decision has no single span");

    public static RangeDecision Single(ByteSpan span) => new(RangeDecisionKind.Single, Array.AsReadOnly([span]), abusive: false);

    public static RangeDecision Multiple(IEnumerable<ByteSpan> spans)
    {
        var copy = spans.ToArray();
        if (copy.Length < 2)
        {
            throw new ArgumentException("a multipart answer needs at least two ranges; use Single for one", nameof(spans));
        }

        return new(RangeDecisionKind.Multiple, Array.AsReadOnly(copy), abusive: false);
    }

    /// <summary>Value equality over the spans, not the list reference, so tests and callers can compare decisions.</summary>
    public bool Equals(RangeDecision? other) =>
        other is not null && Kind == other.Kind && Abusive == other.Abusive && Spans.SequenceEqual(other.Spans);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Kind);
        hash.Add(Abusive);
        foreach (var span in Spans)
        {
            hash.Add(span);
        }

        return hash.ToHashCode();
    }

    public override string ToString() =>
        $"{Kind}{(Abusive ? " (abusive)" : string.Empty)}({string.Join(", ", Spans.Select(s => $"{s.First}-{s.Last}"))})";
}
