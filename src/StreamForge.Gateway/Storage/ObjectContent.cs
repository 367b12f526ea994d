namespace StreamForge.Gateway.Storage;

/// <summary>An open object body: the caller streams <see cref="Body"/> and must dispose this.</summary>
/// <param name="Span">The bytes <see cref="Body"/> yields, when a part of the object was asked for.</param>
internal sealed class ObjectContent(ObjectInfo info, Stream body, ByteSpan? span) : IAsyncDisposable
{
    public ObjectInfo Info { get; } = info;

    public Stream Body { get; } = body;

    public ByteSpan? Span { get; } = span;

    public ValueTask DisposeAsync() => Body.DisposeAsync();
}
