using StreamForge.Bench.Options;

namespace StreamForge.Bench.Hosting;

/// <summary>
/// The objects every contender serves, in one folder: nginx's root and the gateway file store's folder alike
/// (and uploaded to S3 under the same names), so every contender answers the same paths.
/// </summary>
internal sealed class TestData
{
    private TestData(string folder, long largeSize, long hugeSize, IReadOnlyList<long> smallSizes)
    {
        Folder = folder;
        LargeSize = largeSize;
        HugeSize = hugeSize;
        SmallSizes = smallSizes;
    }

    public string Folder { get; }

    public long LargeSize { get; }

    public long HugeSize { get; }

    public IReadOnlyList<long> SmallSizes { get; }

    public string LargeName => NameFor("large", LargeSize);

    public string HugeName => NameFor("huge", HugeSize);

    public static string SmallName(long size) => NameFor("small", size);

    public IEnumerable<string> AllNames() => [LargeName, HugeName, .. SmallSizes.Select(SmallName)];

    public string PathOf(string name) => Path.Combine(Folder, name);

    public static TestData Create(string folder, BenchOptions options)
    {
        Directory.CreateDirectory(folder);
        var data = new TestData(folder, options.LargeSize, options.HugeSize, options.SmallSizes);
        // Real (pseudo-random) bytes for the object the throughput figures come from: nothing can shortcut them.
        WriteRandom(data.PathOf(data.LargeName), options.LargeSize, seed: 1);
        foreach (var size in options.SmallSizes)
        {
            WriteRandom(data.PathOf(SmallName(size)), size, seed: 2);
        }

        // The huge object only feeds the memory test, which reads ~20 s of it: a sparse file is enough and instant.
        using (var huge = new FileStream(data.PathOf(data.HugeName), FileMode.Create, FileAccess.Write))
        {
            huge.SetLength(options.HugeSize);
        }

        return data;
    }

    /// <summary>Adds an object of pseudo-random bytes to the folder (the cache phase's cold object) and returns its name.</summary>
    public string AddRandom(string kind, long size, int seed)
    {
        var name = NameFor(kind, size);
        WriteRandom(PathOf(name), size, seed);
        return name;
    }

    private static string NameFor(string kind, long size) => $"{kind}-{ByteSizeText.Format(size).Replace(" ", string.Empty)}.bin";

    private static void WriteRandom(string path, long size, int seed)
    {
        var random = new Random(seed);
        var block = new byte[4 << 20];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        for (long written = 0; written < size; written += block.Length)
        {
            random.NextBytes(block);
            file.Write(block, 0, (int)Math.Min(block.Length, size - written));
        }
    }
}
