using System.Net;
using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.Tests.Security;

public sealed class SignedUrlTests
{
    private static readonly byte[] Key1 = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly byte[] Key2 = [.. Enumerable.Range(100, 32).Select(i => (byte)i)];
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly SignedUrlPolicy Policy = new(new Dictionary<string, byte[]> { ["k1"] = Key1, ["k2"] = Key2 }, BindClientAddress: false);

    private static string? Verify(string keyPath, out string? objectKey, SignedUrlPolicy? policy = null, IPAddress? client = null) =>
        SignedUrl.Verify("media", keyPath, policy ?? Policy, Now, client, out objectKey);

    [Theory]
    [InlineData("shows/a/", "shows/a/index.m3u8")]
    [InlineData("shows/a/", "shows/a/seg-12.m4s")]
    [InlineData("shows/a/movie.mp4", "shows/a/movie.mp4")]
    [InlineData("", "anything/at/all.bin")]
    public void A_token_covers_its_prefix(string prefix, string key)
    {
        var token = SignedUrl.CreateToken("media", prefix, Now.AddHours(1), "k1", Key1);

        Assert.Null(Verify($"{token}/{key}", out var objectKey));
        Assert.Equal(key, objectKey);
    }

    [Theory]
    [InlineData("shows/b/index.m3u8")]  // another folder
    [InlineData("shows/index.m3u8")]    // shorter than the prefix
    [InlineData("shows/a")]             // the folder without its slash
    public void Keys_outside_the_prefix_are_invalid(string key)
    {
        var token = SignedUrl.CreateToken("media", "shows/a/", Now.AddHours(1), "k1", Key1);

        Assert.Equal("signature_invalid", Verify($"{token}/{key}", out _));
    }

    [Fact]
    public void Tampering_with_any_part_of_the_token_is_invalid()
    {
        var token = SignedUrl.CreateToken("media", "a/", Now.AddHours(1), "k1", Key1);
        var parts = token.Split('.');
        var later = string.Join('.', parts[0], parts[1][..^1] + "9", parts[2], parts[3], parts[4]);
        var otherKey = string.Join('.', parts[0], parts[1], "k2", parts[3], parts[4]);
        var flipped = string.Join('.', parts[0], parts[1], parts[2], parts[3], (parts[4][0] == 'A' ? 'B' : 'A') + parts[4][1..]);

        Assert.Equal("signature_invalid", Verify($"{later}/a/x.ts", out _));
        Assert.Equal("signature_invalid", Verify($"{otherKey}/a/x.ts", out _));
        Assert.Equal("signature_invalid", Verify($"{flipped}/a/x.ts", out _));
        Assert.Equal("signature_invalid", SignedUrl.Verify("other-route", $"{token}/a/x.ts", Policy, Now, null, out _));
    }

    [Fact]
    public void An_expired_token_is_expired_and_a_missing_one_missing()
    {
        var token = SignedUrl.CreateToken("media", "a/", Now.AddSeconds(-1), "k1", Key1);

        Assert.Equal("signature_expired", Verify($"{token}/a/x.ts", out _));
        Assert.Equal("signature_missing", Verify("a/x.ts", out _));
        Assert.Equal("signature_missing", Verify(null!, out _));
    }

    [Fact]
    public void Rotation_a_token_of_a_removed_key_is_invalid_one_of_the_new_key_valid()
    {
        var old = SignedUrl.CreateToken("media", "a/", Now.AddHours(1), "k1", Key1);
        var fresh = SignedUrl.CreateToken("media", "a/", Now.AddHours(1), "k2", Key2);
        var rotated = new SignedUrlPolicy(new Dictionary<string, byte[]> { ["k2"] = Key2 }, BindClientAddress: false);

        Assert.Equal("signature_invalid", Verify($"{old}/a/x.ts", out _, rotated));
        Assert.Null(Verify($"{fresh}/a/x.ts", out _, rotated));
    }

    [Fact]
    public void A_bound_token_holds_only_for_its_client()
    {
        var bound = Policy with { BindClientAddress = true };
        var token = SignedUrl.CreateToken("media", "a/", Now.AddHours(1), "k1", Key1, IPAddress.Parse("203.0.113.7"));

        Assert.Null(Verify($"{token}/a/x.ts", out _, bound, IPAddress.Parse("203.0.113.7")));
        Assert.Equal("signature_invalid", Verify($"{token}/a/x.ts", out _, bound, IPAddress.Parse("203.0.113.8")));
    }
}
