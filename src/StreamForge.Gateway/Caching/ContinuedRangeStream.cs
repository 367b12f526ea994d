using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// A span read from an origin that may answer a range with less than it asked for (RFC 9110 section 15.3.7 lets a
/// server send a subset): where one answer ends before the span does, the rest is asked for (pinned as the first
/// was), so that a slice fills whole instead of failing where the origin's part ended. An answer cut off mid-body is
/// an error of the body's own, not an end, and is never continued.
/// </summary>
/// <param name="rest">Opens the span from a byte onwards: the body positioned at that byte, and what owns it.</param>
internal sealed class ContinuedRangeStream(
    Stream body, IDisposable owner, long first, long last, Func<long, CancellationToken, Task<(Stream Body, IDisposable Owner)>> rest) : AsyncReadOnlyStream
{
    private Stream _body = body;
    private IDisposable _owner = owner;
    private long _position = first;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position > last || buffer.IsEmpty)
        {
            return 0;
        }

        var wanted = buffer[..(int)Math.Min(buffer.Length, last - _position + 1)];
        var read = await _body.ReadAsync(wanted, cancellationToken);
        if (read == 0)
        {
            Release();
            (_body, _owner) = await rest(_position, cancellationToken);
            read = await _body.ReadAsync(wanted, cancellationToken);
            if (read == 0)
            {
                throw new IOException($"the origin answered the rest of the span from byte {_position} with nothing");
            }
        }

        _position += read;
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Release();
        }

        base.Dispose(disposing);
    }

    private void Release()
    {
        _body.Dispose();
        _owner.Dispose();
    }
}
