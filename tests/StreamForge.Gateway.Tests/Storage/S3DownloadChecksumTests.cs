using System.IO.Hashing;
using Amazon.S3;
using Amazon.S3.Model;
using StreamForge.Gateway.Storage.S3;
using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Tests.Storage;

public sealed class S3DownloadChecksumTests
{
    private const string Md5Etag = "\"9e107d9d372bb6826bd81d3542a419d6\"";

    [Fact]
    public void The_cheapest_stored_checksum_is_chosen()
    {
        var response = new GetObjectResponse { ETag = Md5Etag, ChecksumCRC32 = "AAAAAA==", ChecksumCRC64NVME = "AAAAAAAAAAA=", ChecksumSHA256 = Sha256Zero };

        var chosen = S3DownloadChecksum.For(response, DownloadVerification.Checksum);

        Assert.Equal("x-amz-checksum-crc64nvme", chosen?.Header);
        Assert.Equal(8, chosen?.Digest.Length);
    }

    [Fact]
    public void Without_a_stored_checksum_the_md5_etag_is_used_unless_only_stored_ones_are_wanted()
    {
        var response = new GetObjectResponse { ETag = Md5Etag };

        Assert.Equal("Content-MD5", S3DownloadChecksum.For(response, DownloadVerification.Checksum)?.Header);
        Assert.Null(S3DownloadChecksum.For(response, DownloadVerification.StoredChecksumOnly));
        Assert.Null(S3DownloadChecksum.For(response, DownloadVerification.Off));
    }

    [Fact]
    public void Composite_checksums_and_multipart_or_kms_etags_are_not_body_digests()
    {
        var composite = new GetObjectResponse { ETag = "\"9e107d9d372bb6826bd81d3542a419d6-3\"", ChecksumCRC32 = "AAAAAA==-3", ChecksumType = ChecksumType.COMPOSITE };
        var kms = new GetObjectResponse { ETag = Md5Etag, ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS };

        Assert.Null(S3DownloadChecksum.For(composite, DownloadVerification.Checksum));
        Assert.Null(S3DownloadChecksum.For(kms, DownloadVerification.Checksum));
    }

    [Theory]
    [InlineData("x-amz-checksum-crc32")]
    [InlineData("x-amz-checksum-crc32c")]
    [InlineData("x-amz-checksum-crc64nvme")]
    public async Task A_stored_crc_verifies_the_body_big_endian_and_a_flipped_byte_fails_it(string header)
    {
        var body = new byte[100_000];
        new Random(3).NextBytes(body);
        var expected = ExpectedChecksum.FromBase64(header, Convert.ToBase64String(BigEndianCrc(header, body)))!;

        await using (var good = new VerifyingReadStream(new MemoryStream(body), body.Length, [expected]))
        {
            await good.CopyToAsync(Stream.Null);
        }

        body[^1] ^= 0xff;
        await using var bad = new VerifyingReadStream(new MemoryStream(body), body.Length, [expected]);
        await Assert.ThrowsAsync<ChecksumMismatchException>(() => bad.CopyToAsync(Stream.Null));
    }

    private static string Sha256Zero => Convert.ToBase64String(new byte[32]);

    private static byte[] BigEndianCrc(string header, byte[] body)
    {
        NonCryptographicHashAlgorithm crc = header switch
        {
            "x-amz-checksum-crc32" => new Crc32(),
            "x-amz-checksum-crc32c" => new Crc32(Crc32ParameterSet.Crc32C),
            _ => new Crc64(Crc64ParameterSet.Nvme),
        };
        crc.Append(body);
        return [.. crc.GetCurrentHash().Reverse()];
    }
}
