using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Tests.Ranges;

// RFC 9110 sections 14.1.1, 14.1.2, 14.2 and 15.5.17, plus the CVE-2011-3192 guard, checked against models.
public sealed class RangePropertyTests
{
    [Property(MaxTest = 3000)]
    public Property Parser_and_normalizer_agree_with_the_byte_position_model() =>
        Prop.ForAll(Arb.From(RangeGenerators.Cases), c =>
        {
            var actual = RangeNormalizer.Normalize(RangeHeaderParser.Parse(c.Header), c.Length, c.Limits);
            Assert.Equal(RangeReferenceModel.Expected(c), RangeText.Of(actual));
        });

    [Property(MaxTest = 3000)]
    public Property Parser_agrees_with_the_reference_grammar_on_arbitrary_strings() =>
        Prop.ForAll(Arb.From(RangeGenerators.RawHeaders), header =>
            Assert.Equal(ReferenceRangeParser.Parse(header), RangeText.Of(RangeHeaderParser.Parse(header))));

    // Whatever the decision, its spans are real byte ranges of the representation (RFC 9110 section 14.1.2).
    [Property(MaxTest = 1000)]
    public Property Decisions_only_name_bytes_that_exist() =>
        Prop.ForAll(Arb.From(RangeGenerators.Cases), c =>
        {
            var decision = RangeNormalizer.Normalize(RangeHeaderParser.Parse(c.Header), c.Length, c.Limits);
            Assert.All(decision.Spans, s => Assert.InRange(s.First, 0, s.Last));
            Assert.All(decision.Spans, s => Assert.InRange(s.Last, s.First, c.Length - 1));
            Assert.Equal(decision.Kind switch
            {
                RangeDecisionKind.Single => 1,
                RangeDecisionKind.Multiple => Math.Max(2, decision.Spans.Count),
                _ => 0,
            }, decision.Spans.Count);
        });
}
