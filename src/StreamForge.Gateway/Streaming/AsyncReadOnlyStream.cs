namespace StreamForge.Gateway.Streaming;

/// <summary>
/// Base of the gateway's forward-only, asynchronous read streams (body wrappers): everything but
/// <see cref="ReadAsync(Memory{byte}, CancellationToken)"/> is fixed. Synchronous reads are refused, since
/// Kestrel forbids synchronous I/O on request bodies and a blocked thread per stream would not scale anyway.
/// </summary>
internal abstract class AsyncReadOnlyStream : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public sealed override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("this stream is read asynchronously");

    public sealed override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public sealed override void SetLength(long value) => throw new NotSupportedException();

    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
