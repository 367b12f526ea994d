using System.IO.Hashing;
using System.Security.Cryptography;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Uploads;

/// <summary>
/// Hashes a body as it is read (a request body on its way into storage, or an S3 body on its way to a client) and
/// fails the read that completes it when a digest does not match.
/// It checks on reaching the declared length, before handing over those last bytes, because a consumer that
/// knows the length (AWSSDK's PutObject) never asks for the final zero-byte read: the last bytes of a bad
/// body never reach storage, so its PUT or multipart upload fails and is aborted.
/// </summary>
internal sealed class VerifyingReadStream : AsyncReadOnlyStream
{
    private readonly Stream _inner;
    private readonly long? _length;
    private readonly List<(ExpectedChecksum Expected, IncrementalHash? Hash, NonCryptographicHashAlgorithm? Crc)> _checks;
    private long _read;
    private bool _verified;

    public VerifyingReadStream(Stream inner, long? length, IReadOnlyList<ExpectedChecksum> expected)
    {
        _inner = inner;
        _length = length;
        _checks = [.. expected.Select(e => (e, e.CreateHash(), e.CreateCrc()))];
    }

    /// <summary>
    /// The header whose digest did not match, once known. Kept here as well as thrown: storage clients wrap,
    /// retry or replace the exception a body stream throws, so the handler asks the stream itself.
    /// </summary>
    public string? Mismatch { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Mismatch is not null)
        {
            // A retrying client must not get a second chance to send the last bytes.
            throw new ChecksumMismatchException(Mismatch);
        }

        var read = await _inner.ReadAsync(buffer, cancellationToken);
        foreach (var (_, hash, crc) in _checks)
        {
            hash?.AppendData(buffer.Span[..read]);
            crc?.Append(buffer.Span[..read]);
        }

        _read += read;
        if (read == 0 || _read == _length)
        {
            Verify();
        }

        return read;
    }


    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var (_, hash, _) in _checks)
            {
                hash?.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private void Verify()
    {
        if (_verified)
        {
            return;
        }

        _verified = true;
        foreach (var (expected, hash, crc) in _checks)
        {
            var actual = hash?.GetCurrentHash() ?? ExpectedChecksum.S3Digest(crc!);
            if (!CryptographicOperations.FixedTimeEquals(actual, expected.Digest))
            {
                Mismatch = expected.Header;
                throw new ChecksumMismatchException(expected.Header);
            }
        }
    }
}
