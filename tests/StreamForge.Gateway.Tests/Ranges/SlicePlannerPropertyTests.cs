using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Tests.Ranges;

// src/StreamForge.Gateway/Ranges/SlicePlanner.cs: upstream slices are contiguous, aligned to the slice size and cover the span exactly.
public sealed class SlicePlannerPropertyTests
{
    [Property(MaxTest = 1000)]
    public Property Slices_are_contiguous_aligned_and_cover_the_span() =>
        Prop.ForAll(Arb.From(RangeGenerators.SlicePlans), plan =>
        {
            var (span, size) = plan;
            var slices = SlicePlanner.Plan(span, size).ToList();

            Assert.Equal(span.First, slices[0].First);
            Assert.Equal(span.Last, slices[^1].Last);
            Assert.Equal((span.Last / size) - (span.First / size) + 1, slices.Count);
            for (var i = 0; i < slices.Count; i++)
            {
                var slice = slices[i];
                Assert.InRange(slice.First, span.First, slice.Last);
                Assert.InRange(slice.Last, slice.First, span.Last);
                // Never crosses an aligned boundary, so it is one upstream slice (or part of one at the edges).
                Assert.Equal(slice.First / size, slice.Last / size);
                if (i > 0)
                {
                    Assert.Equal(slices[i - 1].Last + 1, slice.First);
                    Assert.Equal(0, slice.First % size);
                }

                if (i < slices.Count - 1)
                {
                    Assert.Equal(size - 1, slice.Last % size);
                }
            }
        });
}
