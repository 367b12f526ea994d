using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// A span of one cached version, read slice by slice: complete slices from disk, missing ones through a fill (this
/// reader's or one it joins), and straight from upstream when the cache cannot store or a fill fails under the
/// reader. Every upstream read is pinned to the version, so a response never mixes two. Memory is one chunk
/// buffer of the caller, whatever the object's size.
/// </summary>
internal sealed class CachedBodyStream(
    EdgeCache cache, CachedVersion version, ByteSpan span, UpstreamRead upstream, FillOptions options, CacheMetrics metrics) : AsyncReadOnlyStream
{
    private long _position = span.First;
    private long _pieceLast = -1;
    private SliceReader? _slice;
    private ObjectContent? _direct;
    private readonly IDisposable _reading = cache.BeginRead(version);
    private long _fromCache;
    private long _fromUpstream;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_position <= span.Last && buffer.Length > 0)
        {
            if (_slice is null && _direct is null)
            {
                await OpenPieceAsync(cancellationToken);
            }

            var wanted = buffer[..(int)Math.Min(buffer.Length, _pieceLast - _position + 1)];
            int read;
            try
            {
                read = _slice is { } slice ? await slice.ReadAsync(wanted, cancellationToken) : await ReadDirectAsync(wanted, cancellationToken);
            }
            catch (SliceFillFailedException)
            {
                ClosePiece();
                _direct = await upstream(new ByteSpan(_position, _pieceLast), cancellationToken);
                continue;
            }

            if (_slice?.FromCache == true)
            {
                _fromCache += read;
            }
            else
            {
                _fromUpstream += read;
            }

            _position += read;
            if (_position > _pieceLast)
            {
                await ClosePieceAsync();
            }

            return read;
        }

        return 0;
    }

    public override async ValueTask DisposeAsync()
    {
        await ClosePieceAsync();
        _reading.Dispose();
        metrics.BytesServed(options.RouteId, _fromCache, _fromUpstream);
        _fromCache = _fromUpstream = 0;
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ClosePiece();
            _reading.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task OpenPieceAsync(CancellationToken cancellationToken)
    {
        var index = _position / version.SliceSize;
        var slice = version.SliceSpan(index);
        _pieceLast = Math.Min(span.Last, slice.Last);
        var offset = _position - slice.First;
        var count = _pieceLast - _position + 1;
        var opening = cache.OpenSlice(version, index, upstream, options);
        if (opening.OnDisk is { } file)
        {
            _slice = new SliceReader(file, null, offset, count);
        }
        else if (opening.Fill?.OpenReader() is { } growing)
        {
            _slice = new SliceReader(growing, opening.Fill, offset, count);
        }
        else
        {
            _direct = await upstream(new ByteSpan(_position, _pieceLast), cancellationToken);
        }
    }

    private async ValueTask<int> ReadDirectAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await _direct!.Body.ReadAsync(buffer, cancellationToken);
        return read > 0 ? read : throw new IOException($"upstream ended at byte {_position}, before {_pieceLast}");
    }

    private async ValueTask ClosePieceAsync()
    {
        _slice?.Dispose();
        _slice = null;
        if (_direct is not null)
        {
            await _direct.DisposeAsync();
            _direct = null;
        }
    }

    /// <summary>Synchronous close (Dispose, or a failed fill, which only ever happens under a slice reader).</summary>
    private void ClosePiece()
    {
        _slice?.Dispose();
        _slice = null;
        _direct?.Body.Dispose();
        _direct = null;
    }
}
