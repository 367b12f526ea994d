using System.Security.Cryptography;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Resumable;

/// <summary>Hashes a PATCH body as it is read, so it is verified in flight, without being held.</summary>
internal sealed class HashingReadStream(Stream inner, UploadChecksum expected) : AsyncReadOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(expected.Algorithm);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        _hash.AppendData(buffer.Span[..read]);
        return read;
    }

    /// <summary>Set when <see cref="Matches"/> found a different digest.</summary>
    public bool Mismatched { get; private set; }

    /// <summary>True when the bytes read so far have the expected digest; call once, after the body ended.</summary>
    public bool Matches()
    {
        Mismatched = !CryptographicOperations.FixedTimeEquals(_hash.GetHashAndReset(), expected.Digest);
        return !Mismatched;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
