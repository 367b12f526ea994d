using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>
/// One multipart part read straight from the request body. AWSSDK wraps every part stream in a wrapper that
/// insists on CanSeek and reads Position/Length; this stream reports them truthfully and "seeks" only to
/// where it already is, so the part streams without being buffered. A retry that needs to rewind fails
/// loudly (NotSupportedException) instead of sending wrong bytes; the upload is then aborted.
/// </summary>
internal sealed class ForwardOnlyPartStream(Stream body, long length) : AsyncReadOnlyStream
{
    private readonly long _length = length;
    private long _position;

    public override bool CanSeek => true;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var remaining = _length - _position;
        if (remaining <= 0)
        {
            return 0;
        }

        var read = await body.ReadAsync(buffer[..(int)Math.Min(buffer.Length, remaining)], cancellationToken);
        _position += read;
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _length + offset,
        };
        // An IOException: the SDK rewinds only to retry a failed send, so the cause is the connection to S3 (503), not the request.
        return target == _position ? _position : throw new IOException("a streamed part cannot be rewound to retry its failed send");
    }
}
