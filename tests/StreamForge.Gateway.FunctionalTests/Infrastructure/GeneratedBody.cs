namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>An upload body of zeros produced on demand, counting how much the HTTP client has taken from it.</summary>
internal sealed class GeneratedBody(long length) : Stream
{
    private long _position;

    public long Taken => Interlocked.Read(ref _position);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => Taken;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = (int)Math.Min(count, length - Taken);
        Array.Clear(buffer, offset, n);
        Interlocked.Add(ref _position, n);
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
