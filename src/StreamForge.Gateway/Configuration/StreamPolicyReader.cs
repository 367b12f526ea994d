using Microsoft.Net.Http.Headers;
using StreamForge.Gateway.Caching;
using StreamForge.Gateway.Resumable;
using StreamForge.Gateway.Security;
using StreamForge.Gateway.Storage.S3;
using StreamForge.Gateway.Throttling;
using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Configuration;

/// <summary>Builds <see cref="StreamPolicy"/> records from <c>StreamForge:StreamPolicies</c>.</summary>
internal static class StreamPolicyReader
{
    private static readonly string[] KnownSections = ["Buffer", "Range", "Upload", "Throttle", "Headers", "Access", "Resumable", "Cache"];

    /// <summary>A chunked upload's buffered parts are per-upload memory; keep them well below the machine.</summary>
    private const long MaxChunkedUploadMemory = 1L << 30;

    public static Dictionary<string, StreamPolicy> ReadAll(IConfigurationSection policiesSection, ConfigurationErrors errors)
    {
        var policies = new Dictionary<string, StreamPolicy>(StringComparer.OrdinalIgnoreCase)
        {
            [StreamPolicy.DefaultName] = StreamPolicy.Default,
        };
        foreach (var section in policiesSection.GetChildren())
        {
            policies[section.Key] = Read(section, errors);
        }

        return policies;
    }

    private static StreamPolicy Read(IConfigurationSection section, ConfigurationErrors errors)
    {
        errors.RejectUnknownKeys(section, KnownSections);

        var reader = new ConfigurationReader(errors);
        var throttle = section.GetSection("Throttle");
        var clientKey = ClientKeyResolver.Parse(throttle["PartitionBy"]);
        if (clientKey is null)
        {
            errors.Add(ConfigurationReader.PathOf(throttle, "PartitionBy"), $"'{throttle["PartitionBy"]}' is neither RemoteAddress nor Header:<name>");
        }

        var upload = ReadUpload(section.GetSection("Upload"), reader, errors);
        var resumable = ReadResumable(section.GetSection("Resumable"), reader, errors);
        if (resumable.Enabled && upload.Pipe is not null)
        {
            // A tus upload arrives in pieces over many requests; a pipe process needs the body in one stream.
            errors.Add(ConfigurationReader.PathOf(section.GetSection("Resumable"), "Enabled"), "resumable uploads cannot go through Upload:Pipe; use separate policies");
        }

        return new StreamPolicy(
            section.Key,
            ReadBuffer(section.GetSection("Buffer"), reader, errors),
            ReadRange(section.GetSection("Range"), reader, errors),
            upload,
            ReadThrottle(throttle, reader, errors),
            clientKey ?? ClientKeyResolver.ByRemoteAddress)
        {
            Headers = ReadHeaders(section.GetSection("Headers"), errors),
            Access = ReadAccess(section.GetSection("Access"), reader, errors),
            Resumable = resumable,
            Cache = ReadCache(section.GetSection("Cache"), reader, errors),
        };
    }

    private static CachePolicy ReadCache(IConfigurationSection section, ConfigurationReader reader, ConfigurationErrors errors)
    {
        errors.RejectUnknownKeys(section, "Enabled", "Ttl", "StaleIfError");
        var defaults = CachePolicy.Disabled;
        return new CachePolicy(
            reader.Boolean(section, "Enabled", defaults.Enabled),
            reader.Duration(section, "Ttl", defaults.Ttl, TimeSpan.Zero, TimeSpan.FromDays(365)),
            reader.Duration(section, "StaleIfError", defaults.StaleIfError, TimeSpan.Zero, TimeSpan.FromDays(365)));
    }

    private static SignedUrlPolicy? ReadAccess(IConfigurationSection section, ConfigurationReader reader, ConfigurationErrors errors)
    {
        errors.RejectUnknownKeys(section, "Signed", "Keys", "BindClientAddress");

        if (!reader.Boolean(section, "Signed", false))
        {
            return null;
        }

        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in section.GetSection("Keys").GetChildren())
        {
            var buffer = new byte[((entry.Value?.Length ?? 0) * 3 / 4) + 3];
            if (entry.Key.Contains('.', StringComparison.Ordinal) || entry.Key.Contains('/', StringComparison.Ordinal))
            {
                errors.Add(entry.Path, "a key id may not contain '.' or '/' (it is part of the URL token)");
            }
            else if (entry.Value is null || !Convert.TryFromBase64String(entry.Value, buffer, out var length) || length < 32)
            {
                errors.Add(entry.Path, "must be a base64 key of at least 32 bytes (e.g. from `openssl rand -base64 32`)");
            }
            else
            {
                keys[entry.Key] = buffer[..length];
            }
        }

        if (keys.Count == 0 && !section.GetSection("Keys").GetChildren().Any())
        {
            errors.Add(ConfigurationReader.PathOf(section, "Keys"), "Signed routes need at least one key");
        }

        return new SignedUrlPolicy(keys, reader.Boolean(section, "BindClientAddress", false));
    }

    private static ResumablePolicy ReadResumable(IConfigurationSection section, ConfigurationReader reader, ConfigurationErrors errors)
    {
        errors.RejectUnknownKeys(section, "Enabled", "MaxSize", "Expiration", "KeyFromFilename");
        var defaults = ResumablePolicy.Disabled;
        return new ResumablePolicy(
            reader.Boolean(section, "Enabled", defaults.Enabled),
            reader.Size(section, "MaxSize", defaults.MaxSize, 0, S3Limits.MaxObjectSize),
            reader.Duration(section, "Expiration", defaults.Expiration, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30)),
            reader.Boolean(section, "KeyFromFilename", defaults.KeyFromFilename));
    }

    private static HeadersPolicy ReadHeaders(IConfigurationSection section, ConfigurationErrors errors)
    {
        string? Checked(IConfigurationSection entry)
        {
            if (entry.Value is null || !CacheControlHeaderValue.TryParse(entry.Value, out _))
            {
                errors.Add(entry.Path, $"'{entry.Value}' is not a Cache-Control value (example: \"public, max-age=31536000, immutable\")");
                return null;
            }

            return entry.Value;
        }

        errors.RejectUnknownKeys(section, "CacheControl", "CacheControlByExtension");

        var byExtension = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in section.GetSection("CacheControlByExtension").GetChildren())
        {
            if (!entry.Key.StartsWith('.'))
            {
                errors.Add(entry.Path, "an extension starts with '.', e.g. \".m3u8\"");
            }
            else if (Checked(entry) is { } value)
            {
                byExtension[entry.Key] = value;
            }
        }

        var all = section.GetSection("CacheControl");
        var cacheControl = all.Value is null ? null : Checked(all);
        return cacheControl is null && byExtension.Count == 0 ? HeadersPolicy.None : new HeadersPolicy(cacheControl, byExtension);
    }

    private static BufferPolicy ReadBuffer(IConfigurationSection section, ConfigurationReader reader, ConfigurationErrors errors)
    {
        // A misspelt key would be ignored, and its stream left with the default: refused, as in every other section.
        errors.RejectUnknownKeys(section, "ChunkSize", "MaxBufferedBytes", "StallTimeout");
        var defaults = BufferPolicy.Default;
        var max = reader.Size(section, "MaxBufferedBytes", defaults.MaxBufferedBytes, 1024, BufferPolicy.MaxAllowedBufferedBytes);

        // Without a ChunkSize of its own, a policy gets the largest chunk its ceiling holds, up to the default: a
        // policy written for the 64 KiB default (MaxBufferedBytes 256KiB) still loads, with 192 KiB chunks.
        var fitting = Math.Max(1024, Math.Min(defaults.ChunkSize, max - BufferPolicy.ServerResponseBufferBytes));
        var chunk = reader.Size(section, "ChunkSize", fitting, 1024, 4 * 1024 * 1024);
        var stall = reader.Duration(section, "StallTimeout", defaults.StallTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        if (chunk + BufferPolicy.ServerResponseBufferBytes > max)
        {
            errors.Add(ConfigurationReader.PathOf(section, "MaxBufferedBytes"),
                $"{new ByteSize(max)} cannot hold one {new ByteSize(chunk)} chunk plus the server's {new ByteSize(BufferPolicy.ServerResponseBufferBytes)} response buffer");
        }

        return new BufferPolicy((int)chunk, max, stall);
    }

    private static RangePolicy ReadRange(IConfigurationSection section, ConfigurationReader reader, ConfigurationErrors errors)
    {
        errors.RejectUnknownKeys(section, "SliceSize", "MaxRanges", "OnAbuse", "EmulateForOrigins");
        var defaults = RangePolicy.Default;
        return new RangePolicy(
            reader.Size(section, "SliceSize", defaults.SliceSize, 64 * 1024, 1L << 30),
            reader.Integer(section, "MaxRanges", defaults.MaxRanges, 1, 100),
            reader.Enumeration(section, "OnAbuse", defaults.OnAbuse),
            reader.Boolean(section, "EmulateForOrigins", defaults.EmulateForOrigins));
    }

    private static ThrottlePolicy ReadThrottle(IConfigurationSection section, ConfigurationReader reader, ConfigurationErrors errors)
    {
        // "BytesPerSec" would leave the route unthrottled without a word.
        errors.RejectUnknownKeys(section, "BytesPerSecond", "PerClientBytesPerSecond", "PerRouteBytesPerSecond", "BurstBytes", "RateAfterBytes", "PartitionBy");
        // 1 KB/s..10 GB/s: below that a stream is better refused than trickled, above it nothing needs pacing.
        const long MinRate = 1_000;
        const long MaxRate = 10_000_000_000;
        long? Rate(string key) => section[key] is null ? null : reader.Size(section, key, MinRate, MinRate, MaxRate);

        var perStream = Rate("BytesPerSecond");
        var perClient = Rate("PerClientBytesPerSecond");
        var perRoute = Rate("PerRouteBytesPerSecond");
        // Default burst: a quarter second at the slowest configured rate, enough to absorb scheduling jitter.
        var slowest = new[] { perStream, perClient, perRoute }.Where(r => r is not null).Select(r => r!.Value).DefaultIfEmpty(0).Min();
        var burst = reader.Size(section, "BurstBytes", Math.Max(64 * 1024, slowest / 4), 0, 16L * 1024 * 1024 * 1024);
        var rateAfter = reader.Size(section, "RateAfterBytes", 0, 0, long.MaxValue);
        return new ThrottlePolicy(perStream, burst, rateAfter, perClient, perRoute);
    }

    private static UploadPolicy ReadUpload(IConfigurationSection section, ConfigurationReader reader, ConfigurationErrors errors)
    {
        errors.RejectUnknownKeys(section, "MaxBodySize", "SinglePutMaxSize", "PartSize", "MaxBufferedParts", "MinBytesPerSecond", "MinRateGracePeriod", "Pipe");
        var defaults = UploadPolicy.Default;
        var minRate = reader.Size(section, "MinBytesPerSecond", defaults.MinBytesPerSecond, 0, 1_000_000_000);
        // Kestrel requires a grace period above one second.
        var grace = reader.Duration(section, "MinRateGracePeriod", defaults.MinRateGracePeriod, TimeSpan.FromSeconds(1.1), TimeSpan.FromMinutes(10));
        var maxBody = reader.Size(section, "MaxBodySize", defaults.MaxBodySize, 0, 5L * 1024 * 1024 * 1024 * 1024);
        var singlePut = reader.Size(section, "SinglePutMaxSize", defaults.SinglePutMaxSize, 0, S3Limits.MaxSinglePutSize);
        var partSize = reader.Size(section, "PartSize", defaults.PartSize, S3Limits.MinPartSize, S3Limits.MaxPartSize);
        var parts = reader.Size(section, "MaxBufferedParts", defaults.MaxBufferedParts, 1, 16);
        if (parts * partSize > MaxChunkedUploadMemory)
        {
            errors.Add(ConfigurationReader.PathOf(section, "MaxBufferedParts"),
                $"{parts} x {new ByteSize(partSize)} parts would hold more than {new ByteSize(MaxChunkedUploadMemory)} per upload");
        }

        return new UploadPolicy(maxBody, singlePut, partSize, (int)parts, ReadPipe(section.GetSection("Pipe"), reader, errors))
        {
            MinBytesPerSecond = minRate,
            MinRateGracePeriod = grace,
        };
    }

    private static PipePolicy? ReadPipe(IConfigurationSection section, ConfigurationReader reader, ConfigurationErrors errors)
    {
        if (!section.Exists())
        {
            return null;
        }

        errors.RejectUnknownKeys(section, "Command", "Arguments", "Input", "ContentType");
        var command = section["Command"];
        if (string.IsNullOrWhiteSpace(command))
        {
            errors.Add(ConfigurationReader.PathOf(section, "Command"), "required: the program to run, e.g. \"ffmpeg\"");
        }

        var arguments = section.GetSection("Arguments").GetChildren().Select(a => a.Value ?? string.Empty).ToList();
        var input = reader.Enumeration(section, "Input", PipeInput.TempFile);
        if (input == PipeInput.TempFile && !arguments.Any(a => a.Contains(PipePolicy.InputPlaceholder, StringComparison.Ordinal)))
        {
            errors.Add(ConfigurationReader.PathOf(section, "Arguments"), $"with Input TempFile, one argument must contain {PipePolicy.InputPlaceholder} (the file to read)");
        }

        return new PipePolicy(command ?? string.Empty, arguments, input, section["ContentType"]);
    }
}
