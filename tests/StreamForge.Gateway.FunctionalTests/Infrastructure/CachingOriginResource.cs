using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// What <see cref="CachingOrigin"/> answers under one path: a <see cref="SeededBytes"/> body, its validators, the
/// caching headers under test, and how it treats ranges and conditionals. Tests change the properties between
/// requests (a new <see cref="Seed"/> and <see cref="ETag"/> is a new version); each request reads them once at its
/// start, so one response never mixes two settings. Replace <see cref="Headers"/> rather than editing it while
/// requests are in flight.
/// </summary>
internal sealed class CachingOriginResource
{
    public long Length { get; set; }

    /// <summary>The body is <see cref="SeededBytes"/> of this seed (of <see cref="SeedFor"/> the variant under <see cref="VaryBy"/>).</summary>
    public long Seed { get; set; } = 1;

    /// <summary>A strong (<c>"v1"</c>) or weak (<c>W/"v1"</c>) entity tag, or null for none.</summary>
    public string? ETag { get; set; }

    /// <summary>Sent as Last-Modified (whole seconds, like the header) when set.</summary>
    public DateTimeOffset? LastModified { get; set; }

    public string ContentType { get; set; } = "application/octet-stream";

    /// <summary>Sent as they are on 200, 206 and 304 (Cache-Control, Expires, Age, Set-Cookie...): RFC 9110 section 15.4.5.</summary>
    public Dictionary<string, StringValues> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A request header the body depends on (Accept-Language, say): answered with <c>Vary</c> naming it, and each
    /// value of it gets its own body (<see cref="SeedFor"/>).
    /// </summary>
    public string? VaryBy { get; set; }

    /// <summary>Honours a single <c>bytes</c> range of a GET (206); when false, every GET is a 200 with the whole body.</summary>
    public bool Ranges { get; set; } = true;

    /// <summary>Answers If-None-Match / If-Modified-Since with 304; when false, always with the whole body.</summary>
    public bool NotModified { get; set; } = true;

    /// <summary>Sends bodies chunked, without Content-Length, as a server that generates them does.</summary>
    public bool Chunked { get; set; }

    /// <summary>Answers a range with at most this many bytes (RFC 9110 section 15.3.7 lets a server send a subset).</summary>
    public long? MaxPartLength { get; set; }

    /// <summary>Ignores If-Match and If-Unmodified-Since (RFC 9110 requires them; some origins do not), answering as without.</summary>
    public bool IgnoresPreconditions { get; set; }

    /// <summary>Answers every request with 503 (no caching headers), as an origin that is up but failing.</summary>
    public bool Unavailable { get; set; }

    /// <summary>With <see cref="Gate"/>: the body stops after this many bytes of each response until the gate opens.</summary>
    public long? PauseAt { get; set; }

    /// <summary>Opened by the test to let responses paused at <see cref="PauseAt"/> go on.</summary>
    public TaskCompletionSource Gate { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed when a response has reached <see cref="PauseAt"/> (its bytes before it flushed).</summary>
    public TaskCompletionSource Paused { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The seed of the body served for <paramref name="variant"/> (the value of <see cref="VaryBy"/>, null if absent).</summary>
    public long SeedFor(string? variant)
    {
        if (VaryBy is null || variant is null)
        {
            return Seed;
        }

        // Deterministic across processes (string.GetHashCode is not), so expected bodies can be computed anywhere.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(variant));
        return Seed ^ BitConverter.ToInt64(hash, 0);
    }

    /// <summary>SHA-256 of the whole body served for <paramref name="variant"/>.</summary>
    public string Sha256(string? variant = null) => SeededBytes.Sha256(SeedFor(variant), Length);
}
