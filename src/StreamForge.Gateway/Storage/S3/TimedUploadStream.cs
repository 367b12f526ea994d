namespace StreamForge.Gateway.Storage.S3;

/// <summary>
/// A request body as AWSSDK reads it, keeping an <see cref="S3CallTimer"/> honest: while the SDK waits for the
/// client's bytes the timer is paused (a slow client is the body's own stall timer's business); once bytes are
/// handed over, S3 must take the next ones within the stall timeout; after the last, it must answer within
/// the response timeout. Length, position and seeking are the inner stream's, since the SDK relies on them.
/// </summary>
internal sealed class TimedUploadStream(Stream inner, S3CallTimer timer) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        timer.Pause();
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Resume(read);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        // The SDK may read synchronously (from in-memory parts); the timer works the same.
        timer.Pause();
        var read = inner.Read(buffer, offset, count);
        Resume(read);
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void Resume(int read)
    {
        if (read == 0 || (inner.CanSeek && inner.Position >= inner.Length))
        {
            timer.AwaitResponse();
        }
        else
        {
            timer.AwaitProgress();
        }
    }
}
