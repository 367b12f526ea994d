using System.Net;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// An origin answer of unknown length (chunked, no Content-Length) passed on to its client as it arrives, and copied
/// aside as it goes: when it ends within the limit (a slice), its length is known and the completion gets the copy to
/// store it. A longer body (reported, so that the URL is not copied again for a while), one cut off, or a disk that
/// fails stops the copy and nothing is stored. The client's bytes are never held back for it: a body streamed as it is
/// made (a live CMAF chunk, a generated playlist) reaches the client at the pace the origin sends it.
/// </summary>
internal sealed class SpoolingContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly long _limit;
    private readonly Action<FileStream, long> _complete;
    private readonly Action _tooLong;
    private FileStream? _spool;

    public SpoolingContent(HttpContent inner, FileStream spool, long limit, Action<FileStream, long> complete, Action tooLong)
    {
        (_inner, _spool, _limit, _complete, _tooLong) = (inner, spool, limit, complete, tooLong);
        foreach (var (name, values) in inner.Headers.NonValidated)
        {
            Headers.TryAddWithoutValidation(name, values);
        }
    }

    protected override async Task<Stream> CreateContentReadStreamAsync() => new SpoolingStream(await _inner.ReadAsStreamAsync(), this);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await using var body = await CreateContentReadStreamAsync();
        await body.CopyToAsync(stream);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            Interlocked.Exchange(ref _spool, null)?.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class SpoolingStream(Stream body, SpoolingContent content) : AsyncReadOnlyStream
    {
        private long _copied;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await body.ReadAsync(buffer, cancellationToken);
            if (Volatile.Read(ref content._spool) is not { } spool)
            {
                return read;
            }

            if (read == 0)
            {
                if (Interlocked.Exchange(ref content._spool, null) is { } whole)
                {
                    content._complete(whole, _copied);
                }

                return 0;
            }

            try
            {
                _copied += read;
                if (_copied > content._limit)
                {
                    content._tooLong();
                    throw new IOException("longer than what is stored from an answer of unknown length");
                }

                await spool.WriteAsync(buffer[..read], cancellationToken);
            }
            catch (IOException)
            {
                Interlocked.Exchange(ref content._spool, null)?.Dispose();
            }

            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                body.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
