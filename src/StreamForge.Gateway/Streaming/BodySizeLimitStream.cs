namespace StreamForge.Gateway.Streaming;

/// <summary>
/// A request body that fails with a 413 <see cref="BadHttpRequestException"/> (the type Kestrel throws for its own
/// limit, so every upload path answers it the same way) once more than <c>limit</c> content bytes arrive.
/// </summary>
internal sealed class BodySizeLimitStream(Stream inner, long limit) : AsyncReadOnlyStream
{
    private long _received;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        _received += read;
        if (_received > limit)
        {
            throw new BadHttpRequestException($"the request body is larger than the route's limit ({limit} bytes)", StatusCodes.Status413PayloadTooLarge);
        }

        return read;
    }
}
