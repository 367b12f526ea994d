namespace StreamForge.Gateway.Streaming;

/// <summary>
/// Passes on only bytes <c>skip</c>..<c>skip + take - 1</c> of what is written and discards the rest: how a
/// 206 is cut out of a 200 from an origin that ignores Range. Writes stay sequential and unbuffered.
/// </summary>
internal sealed class WindowWriteStream(Stream inner, long skip, long take) : Stream
{
    private long _position;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var start = _position;
        _position += buffer.Length;
        var from = Math.Max(skip, start);
        var to = Math.Min(skip + take, _position);
        if (from < to)
        {
            await inner.WriteAsync(buffer[(int)(from - start)..(int)(to - start)], cancellationToken);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("written asynchronously");

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
