namespace StreamForge.Gateway.Streaming;

/// <summary>
/// Passes on only bytes <c>skip</c>..<c>skip + take - 1</c> of what is written and discards the rest: how a
/// 206 is cut out of a 200 from an origin that ignores Range. Writes stay sequential and unbuffered.
/// </summary>
internal sealed class WindowWriteStream(Stream inner, long skip, long take) : AsyncWriteOnlyStream(inner)
{
    private long _position;

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
            await Inner.WriteAsync(buffer[(int)(from - start)..(int)(to - start)], cancellationToken);
        }
    }
}
