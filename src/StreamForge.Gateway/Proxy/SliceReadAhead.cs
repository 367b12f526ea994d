using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// Opens the next slice of a ranged read while the current one streams, so that a client that keeps pace does not
/// wait one storage round trip at every slice boundary: S3's time to first byte (3-17 ms from the test S3 server,
/// tens of ms from AWS) cost an open-ended range half its speed in 8 MiB slices (tests/bench/README.md).
/// </summary>
/// <remarks>
/// Only the opening goes ahead (request sent, headers received); the body is read when its turn comes, so memory per
/// stream does not grow. The next slice is opened once half of the current one has gone out within
/// <see cref="KeepingPace"/>: a slower client gains nothing from it and would leave the answer unread for long. An
/// answer opened more than <see cref="FreshFor"/> before its turn is dropped and the slice opened again, since
/// storage may have given up on a connection nobody read. A client that hangs up costs what storage had sent of the
/// opened slice before its connection was closed, not the slice.
/// </remarks>
internal sealed class SliceReadAhead(
    ICopyObserver? inner, Func<ByteSpan, CancellationToken, Task<ObjectContent?>> open, CancellationToken aborted, TimeProvider? clock = null)
    : ICopyObserver, IAsyncDisposable
{
    private static readonly TimeSpan KeepingPace = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _abandon = CancellationTokenSource.CreateLinkedTokenSource(aborted);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private ByteSpan? _next;
    private long _copied;
    private long _halfway;
    private long _pieceStarted;
    private Pending? _pending;

    /// <summary>The copy of <paramref name="piece"/> starts; <paramref name="next"/> is the slice after it, if any.</summary>
    public void Begin(ByteSpan piece, ByteSpan? next)
    {
        _copied = 0;
        _halfway = piece.Length / 2;
        _pieceStarted = _clock.GetTimestamp();
        _next = next;
    }

    /// <summary>The opening of <paramref name="piece"/> started ahead of its turn, or null when the caller must open it.</summary>
    public async ValueTask<Task<ObjectContent?>?> TakeAsync(ByteSpan piece)
    {
        if (_pending is not { } pending || pending.Span != piece)
        {
            return null;
        }

        _pending = null;
        if (_clock.GetElapsedTime(pending.Started) <= FreshFor)
        {
            return pending.Opening;
        }

        await DiscardAsync(pending.Opening);
        return null;
    }

    public void OnCopied(int bytes)
    {
        inner?.OnCopied(bytes);
        _copied += bytes;
        if (_next is not { } next || _copied < _halfway)
        {
            return;
        }

        _next = null;
        if (_clock.GetElapsedTime(_pieceStarted) <= KeepingPace)
        {
            _pending = new Pending(next, open(next, _abandon.Token), _clock.GetTimestamp());
        }
    }

    public void OnThrottled(TimeSpan waited) => inner?.OnThrottled(waited);

    public void OnBackpressure(TimeSpan waited) => inner?.OnBackpressure(waited);

    /// <summary>Cancels and closes a slice opened for a turn that never came (the copy failed or the client left).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_pending is { } pending)
        {
            _pending = null;
            await _abandon.CancelAsync();
            await DiscardAsync(pending.Opening);
        }

        _abandon.Dispose();
    }

    private static async Task DiscardAsync(Task<ObjectContent?> opening)
    {
        try
        {
            if (await opening is { } content)
            {
                await content.DisposeAsync();
            }
        }
        catch (Exception ex) when (ex is StorageException or OperationCanceledException or IOException or HttpRequestException)
        {
            // Nobody reads this slice: how its opening ended does not matter to the response.
        }
    }

    private sealed record Pending(ByteSpan Span, Task<ObjectContent?> Opening, long Started);
}
