using StreamForge.Gateway.Ranges;

namespace StreamForge.Gateway.Tests.Ranges;

// RFC 9110 section 14.6 / RFC 2046 section 5.1.1: boundaries of 1-70 characters that do not occur in the parts.
public sealed class MultipartBoundaryTests
{
    [Fact]
    public void Boundaries_are_long_random_alphanumerics()
    {
        var boundaries = Enumerable.Range(0, 100).Select(_ => MultipartBoundary.Create()).ToList();
        Assert.All(boundaries, b =>
        {
            Assert.Equal(MultipartBoundary.Length, b.Length);
            Assert.True(b.Length >= 20);
            Assert.All(b, c => Assert.True(char.IsAsciiLetterOrDigit(c)));
        });
        Assert.Equal(boundaries.Count, boundaries.Distinct(StringComparer.Ordinal).Count());
    }
}
