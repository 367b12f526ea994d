using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using StreamForge.Gateway.Storage.S3;
using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Tests.Uploads;

// S3's multipart rules (docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html): at most 10,000 parts, each
// 5 MiB..5 GiB except the last, objects up to 5 TiB.
public sealed class PartSizePlannerPropertyTests
{
    private const long MiB = 1024 * 1024;

    private static readonly Gen<long> Lengths = Gen.OneOf(
        Gen.Choose(0, int.MaxValue).Select(n => (long)n),
        Gen.Choose(0, int.MaxValue).Select(n => n * 2560L), // up to 5 TiB
        Gen.Elements(0L, 1L, S3Limits.MinPartSize - 1, S3Limits.MinPartSize, S3Limits.MinPartSize + 1, S3Limits.MaxObjectSize));

    private static readonly Gen<long> PreferredSizes = Gen.Choose(5, 5 * 1024).Select(mib => mib * MiB);

    [Property(MaxTest = 2000)]
    public Property Plans_obey_S3s_part_rules_for_every_length_up_to_5_TiB() =>
        Prop.ForAll(Arb.From(Lengths), Arb.From(PreferredSizes), (length, preferred) =>
        {
            var partSize = PartSizePlanner.ForKnownLength(length, preferred);

            Assert.NotNull(partSize);
            var size = partSize.Value;
            var count = PartSizePlanner.PartCount(length, size);
            Assert.InRange(count, 1, S3Limits.MaxParts);
            Assert.InRange(size, S3Limits.MinPartSize, S3Limits.MaxPartSize);
            Assert.Equal(0, size % MiB);
            Assert.True(size >= preferred || size == S3Limits.MaxPartSize, "the preferred size is only ever grown");
            Assert.True((long)count * size >= length, "the parts hold the whole body");
            var last = length - ((count - 1) * size);
            Assert.InRange(last, 0, size);
        });

    [Fact]
    public void A_body_over_5_TiB_has_no_plan() =>
        Assert.Null(PartSizePlanner.ForKnownLength(S3Limits.MaxObjectSize + 1, 16 * MiB));

    [Fact]
    public void The_preferred_size_is_kept_while_10000_parts_suffice() =>
        Assert.Equal(16 * MiB, PartSizePlanner.ForKnownLength(16 * MiB * S3Limits.MaxParts, 16 * MiB));
}
