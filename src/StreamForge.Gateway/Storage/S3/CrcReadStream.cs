using System.IO.Hashing;
using StreamForge.Gateway.Streaming;
using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Storage.S3;

/// <summary>Hashes a body with the named CRCs (checksum header names) as it is read.</summary>
internal sealed class CrcReadStream(Stream inner, IReadOnlyList<string> headers) : AsyncReadOnlyStream
{
    private readonly (string Header, NonCryptographicHashAlgorithm Crc)[] _crcs =
        [.. headers.Select(h => (h, ExpectedChecksum.CreateCrc(h)!))];

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        BytesRead += read;
        foreach (var (_, crc) in _crcs)
        {
            crc.Append(buffer.Span[..read]);
        }

        return read;
    }

    /// <summary>How much of the body has been read (and hashed).</summary>
    public long BytesRead { get; private set; }

    /// <summary>The big-endian digest (as S3 sends it) under <paramref name="header"/>, or null when not computed.</summary>
    public byte[]? DigestOf(string header) =>
        _crcs.FirstOrDefault(c => c.Header == header).Crc is { } crc ? ExpectedChecksum.S3Digest(crc) : null;
}
