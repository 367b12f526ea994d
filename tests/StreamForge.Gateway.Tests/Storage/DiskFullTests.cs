using StreamForge.Gateway.Storage;
using StreamForge.Gateway.Storage.FileSystem;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Tests.Storage;

/// <summary>What .NET throws on Linux for a failed write: a plain IOException whose HResult is the errno.</summary>
public sealed class DiskFullTests
{
    [Theory]
    [InlineData(28, true)] // ENOSPC
    [InlineData(122, true)] // EDQUOT
    [InlineData(5, false)] // EIO
    [InlineData(32, false)] // EPIPE
    public void Recognises_no_space_and_quota_exceeded_by_errno(int errno, bool expected)
    {
        Assert.Equal(expected, DiskFull.Is(new IOException("write failed", errno)));
    }

    [Fact]
    public void Looks_through_wrapping_exceptions()
    {
        var wrapped = new UploadFailedException(new CopyResult(CopyOutcome.DestinationFailed, 10, new IOException("No space left on device", 28)));

        Assert.True(DiskFull.Is(wrapped));
        Assert.False(DiskFull.Is(new InvalidOperationException("28")));
        Assert.False(DiskFull.Is(null));
    }
}
