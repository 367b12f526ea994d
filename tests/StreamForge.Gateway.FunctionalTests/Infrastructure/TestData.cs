using System.Security.Cryptography;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>Deterministic test payloads and hashing helpers.</summary>
internal static class TestData
{
    public const int MiB = 1024 * 1024;

    /// <summary>Writes <paramref name="length"/> pseudo-random bytes (seeded) to a file and returns its SHA-256.</summary>
    public static string CreateFile(string path, long length, int seed = 1)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var random = new Random(seed);
        var buffer = new byte[64 * 1024];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var file = File.Create(path);
        for (long written = 0; written < length;)
        {
            var n = (int)Math.Min(buffer.Length, length - written);
            random.NextBytes(buffer.AsSpan(0, n));
            file.Write(buffer, 0, n);
            sha.AppendData(buffer, 0, n);
            written += n;
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }

    public static async Task<string> Sha256Async(Stream stream)
    {
        using var sha = SHA256.Create();
        return Convert.ToHexString(await sha.ComputeHashAsync(stream));
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    public static string Sha256OfFile(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(file));
    }
}
