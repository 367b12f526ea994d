using System.Security.Cryptography;
using StreamForge.Gateway.Resumable;

namespace StreamForge.Gateway.Tests.Resumable;

public sealed class UploadChecksumTests
{
    [Theory]
    [InlineData("sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=", "SHA1", 20)]
    [InlineData("md5 XUFAKrxLKna5cZ2REBfFkg==", "MD5", 16)]
    [InlineData("SHA256 LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=", "SHA256", 32)]
    public void Parses_the_supported_algorithms(string header, string algorithm, int digestLength)
    {
        var checksum = UploadChecksum.Parse(header, out var problem);

        Assert.Null(problem);
        Assert.Equal(new HashAlgorithmName(algorithm), checksum!.Algorithm);
        Assert.Equal(digestLength, checksum.Digest.Length);
    }

    [Theory]
    [InlineData("crc32 AAAAAA==")]
    [InlineData("sha1")]
    [InlineData("sha1 ***")]
    public void Refuses_unsupported_or_malformed_checksums(string header)
    {
        Assert.Null(UploadChecksum.Parse(header, out var problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void No_header_is_no_checksum_and_no_problem()
    {
        Assert.Null(UploadChecksum.Parse(null, out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public async Task The_hashing_stream_tells_a_matching_body_from_another()
    {
        var body = "hello"u8.ToArray();
        var expected = new UploadChecksum(HashAlgorithmName.SHA1, SHA1.HashData(body));
        using var matching = new HashingReadStream(new MemoryStream(body), expected);
        using var other = new HashingReadStream(new MemoryStream("hellO"u8.ToArray()), expected);

        await matching.CopyToAsync(Stream.Null);
        await other.CopyToAsync(Stream.Null);

        Assert.True(matching.Matches());
        Assert.False(other.Matches());
        Assert.True(other.Mismatched);
    }
}
