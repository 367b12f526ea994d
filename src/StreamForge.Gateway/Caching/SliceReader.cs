using Microsoft.Win32.SafeHandles;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// Reads part of one slice: from its file on disk, or from a fill's growing temp file up to the length the fill has
/// published, waiting for more as it lands (waiters get bytes as they arrive, not after the slice is complete).
/// </summary>
internal sealed class SliceReader : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly SliceFill? _fill;
    private long _offset;
    private long _remaining;

    public SliceReader(SafeFileHandle file, SliceFill? fill, long offset, long count)
    {
        _file = file;
        _fill = fill;
        _offset = offset;
        _remaining = count;
    }


    /// <summary>The bytes come from a complete slice (a hit), not from a fill in progress.</summary>
    public bool FromCache => _fill is null;

    /// <exception cref="SliceFillFailedException">The fill failed before these bytes landed: read them upstream.</exception>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_remaining == 0)
        {
            return 0;
        }

        var wanted = (int)Math.Min(buffer.Length, _remaining);
        if (_fill is not null)
        {
            wanted = (int)Math.Min(wanted, await AvailableAsync(_fill, cancellationToken));
        }

        var read = await RandomAccess.ReadAsync(_file, buffer[..wanted], _offset, cancellationToken);
        if (read == 0)
        {
            throw new IOException($"a cached slice ended at byte {_offset}, before its length");
        }

        _offset += read;
        _remaining -= read;
        return read;
    }

    private async ValueTask<long> AvailableAsync(SliceFill growing, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Take the signal before reading the length: a publish in between completes it, so no wake-up is lost.
            var progress = growing.Progress;
            var available = growing.Published - _offset;
            if (available > 0)
            {
                return available;
            }

            if (growing.Failed || growing.Done.IsCompleted)
            {
                throw new SliceFillFailedException(growing.Failure);
            }

            await progress.WaitAsync(cancellationToken);
        }
    }

    public void Dispose() => _file.Dispose();
}
