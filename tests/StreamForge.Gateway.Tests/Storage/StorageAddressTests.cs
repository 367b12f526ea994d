using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Tests.Storage;

public sealed class StorageAddressTests
{
    [Theory]
    [InlineData("s3://media/videos/", "media", "videos/")]
    [InlineData("s3://media/videos", "media", "videos/")]
    [InlineData("s3://media", "media", "")]
    [InlineData("S3://my.bucket-1/a/b/", "my.bucket-1", "a/b/")]
    public void Parses_s3_addresses(string address, string bucket, string prefix)
    {
        var parsed = Assert.IsType<S3StorageAddress>(StorageAddress.Parse(address, "/root", out _));
        Assert.Equal(bucket, parsed.Bucket);
        Assert.Equal(prefix, parsed.Prefix);
    }

    [Theory]
    [InlineData("file:///srv/media/", "/srv/media")]
    [InlineData("file:data/", "/root/data")]
    [InlineData("file:///srv/with%20space/", "/srv/with space")]
    public void Parses_file_addresses(string address, string root)
    {
        var parsed = Assert.IsType<FileStorageAddress>(StorageAddress.Parse(address, "/root", out _));
        Assert.Equal(root, parsed.Root);
    }

    [Theory]
    [InlineData("s3://UPPER/")]
    [InlineData("s3://ab/")]
    [InlineData("s3:///prefix")]
    [InlineData("file://host/share/")]
    public void Rejects_bad_addresses_with_a_reason(string address)
    {
        Assert.Null(StorageAddress.Parse(address, "/root", out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("http://origin:8080/", false, true)]
    [InlineData("https://cdn.example/", false, true)]
    [InlineData("s3://bucket/", true, false)]
    [InlineData("file:///x/", true, false)]
    [InlineData("ftp://x/", false, false)]
    public void Classifies_destinations(string address, bool storage, bool http)
    {
        Assert.Equal(storage, StorageAddress.IsStorage(address));
        Assert.Equal(http, StorageAddress.IsHttp(address));
    }
}
