namespace StreamForge.Gateway.Diagnostics;

/// <summary>A write-through stream that counts the bytes the inner stream accepted.</summary>
internal sealed class CountingStream(Stream inner, SentBytes sent) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        sent.Add(count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        sent.Add(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Every proxied response body passes here: a write the server took at once costs no async frame.
        var pending = inner.WriteAsync(buffer, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            sent.Add(buffer.Length);
            return ValueTask.CompletedTask;
        }

        return CountWhenWrittenAsync(pending, buffer.Length);
    }

    private async ValueTask CountWhenWrittenAsync(ValueTask pending, int length)
    {
        await pending;
        sent.Add(length);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
