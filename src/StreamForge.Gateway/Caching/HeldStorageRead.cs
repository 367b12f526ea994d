using StreamForge.Gateway.Ranges;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Caching;

/// <summary>
/// The storage read a miss made of the slice its client reads first, in place of a metadata read: its answer gives
/// the version, and its body, kept unread, fills that slice, so that a miss costs storage one request (one billed
/// GET on S3), not a HEAD and then a GET. Taken at most once; disposed, if nobody took it, when the request that saw
/// it ends.
/// </summary>
/// <param name="removalMark">The cache's <see cref="EdgeCache.RemovalMark"/> when the read was sent.</param>
internal sealed class HeldStorageRead(ObjectContent content, long removalMark) : IAsyncDisposable
{
    private ObjectContent? _content = content;

    public ObjectInfo Info { get; } = content.Info;

    /// <summary>The cache's <see cref="EdgeCache.RemovalMark"/> when the read was sent: an upload after it may have replaced what it got.</summary>
    public long RemovalMark { get; } = removalMark;

    /// <summary>A slice read, not a metadata read alone (a HEAD's, or one after a 416).</summary>
    public bool HoldsSlice { get; } = content.Span is not null;

    /// <summary>The read, when it still waits and its body is exactly <paramref name="span"/> of the version with <paramref name="etag"/>.</summary>
    public ObjectContent? TryTake(string etag, ByteSpan span) =>
        Volatile.Read(ref _content) is { Span: { } held } waiting && held == span && waiting.Info.ETag == etag
            ? Interlocked.CompareExchange(ref _content, null, waiting)
            : null;

    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _content, null)?.DisposeAsync() ?? ValueTask.CompletedTask;
}
