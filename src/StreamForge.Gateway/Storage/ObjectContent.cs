using StreamForge.Gateway.Ranges;
namespace StreamForge.Gateway.Storage;

/// <summary>An open object body: the caller streams <see cref="Body"/> and must dispose this.</summary>
/// <param name="span">The bytes <see cref="Body"/> yields, when a part of the object was asked for.</param>
/// <param name="owner">What must live as long as the body (the call that opened it), disposed after it.</param>
internal sealed class ObjectContent(ObjectInfo info, Stream body, ByteSpan? span, IDisposable? owner = null) : IAsyncDisposable
{
    public ObjectInfo Info { get; } = info;

    public Stream Body { get; } = body;

    public ByteSpan? Span { get; } = span;

    public async ValueTask DisposeAsync()
    {
        await Body.DisposeAsync();
        owner?.Dispose();
    }
}
