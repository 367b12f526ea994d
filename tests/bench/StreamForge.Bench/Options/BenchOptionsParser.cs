namespace StreamForge.Bench.Options;

/// <summary>
/// Parses <c>--name value</c> pairs over the defaults (<c>--quick</c> first switches to the quick defaults, so
/// <c>--quick --slow-clients 20</c> works). Unknown options are errors: a typo must not silently run the defaults.
/// </summary>
internal static class BenchOptionsParser
{
    public static BenchOptions Parse(string[] args)
    {
        var options = args.Contains("--quick") ? BenchOptions.QuickDefaults : new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            switch (name)
            {
                case "--quick":
                    continue;
                case "--keep-work-dir":
                    options = options with { KeepWorkDir = true };
                    continue;
            }

            if (!name.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new FormatException($"{name}: unknown option or missing value (see tests/bench/README.md)");
            }

            var value = args[++i];
            options = name switch
            {
                "--large-size" => options with { LargeSize = ByteSizeText.Parse(value) },
                "--huge-size" => options with { HugeSize = ByteSizeText.Parse(value) },
                "--streams" => options with { Streams = Ints(value) },
                "--download-rounds" => options with { DownloadRounds = Positive(value) },
                "--small-sizes" => options with { SmallSizes = value.Split(',').Select(ByteSizeText.Parse).ToArray() },
                "--wrk-connections" => options with { WrkConnections = Positive(value) },
                "--wrk-threads" => options with { WrkThreads = Positive(value) },
                "--wrk-duration" => options with { WrkDuration = DurationText.Parse(value) },
                "--small-warmup" => options with { SmallWarmup = DurationText.Parse(value) },
                "--small-rounds" => options with { SmallRounds = Positive(value) },
                "--slow-clients" => options with { SlowClients = Positive(value) },
                "--slow-rate" => options with { SlowRate = ByteSizeText.Parse(value) },
                "--slow-duration" => options with { SlowDuration = DurationText.Parse(value) },
                "--slow-receive-buffer" => options with { SlowReceiveBuffer = (int)ByteSizeText.Parse(value) },
                "--seeks" => options with { Seeks = Positive(value) },
                "--seek-size" => options with { SeekSize = ByteSizeText.Parse(value) },
                "--seek-rounds" => options with { SeekRounds = Positive(value) },
                "--seek-warmup" => options with { SeekWarmup = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
                "--upload-size" => options with { UploadSize = ByteSizeText.Parse(value) },
                "--upload-streams" => options with { UploadStreams = Ints(value) },
                "--upload-rounds" => options with { UploadRounds = Positive(value) },
                "--throttle-rates" => options with { ThrottleRates = value.Split(',').Select(ByteSizeText.Parse).ToArray() },
                "--throttle-duration" => options with { ThrottleDuration = DurationText.Parse(value) },
                "--cache-cold-size" => options with { CacheColdSize = ByteSizeText.Parse(value) },
                "--cache-clients" => options with { CacheClients = Positive(value) },
                "--s3-huge" => options with { S3Huge = OnOff(value) },
                "--only" => options with { Phases = Phases(value) },
                "--contenders" => options with { Contenders = value.Split(',', StringSplitOptions.RemoveEmptyEntries) },
                "--repo" => options with { RepoRoot = Path.GetFullPath(value) },
                "--report-dir" => options with { ReportDir = Path.GetFullPath(value) },
                "--work-dir" => options with { WorkDir = Path.GetFullPath(value) },
                _ => throw new FormatException($"unknown option {name} (see tests/bench/README.md)"),
            };
        }

        if (options.SeekSize >= options.LargeSize)
        {
            throw new FormatException("--seek-size must be smaller than --large-size");
        }

        return options;
    }

    private static int Positive(string value) =>
        int.TryParse(value, out var number) && number > 0 ? number : throw new FormatException($"'{value}' is not a positive number");

    private static int[] Ints(string value) => value.Split(',').Select(Positive).ToArray();

    private static bool OnOff(string value) => value switch
    {
        "on" or "true" or "1" => true,
        "off" or "false" or "0" => false,
        _ => throw new FormatException($"'{value}' is not on/off"),
    };

    private static string[] Phases(string value)
    {
        var phases = value.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var unknown = phases.Where(p => !Phase.All.Contains(p, StringComparer.OrdinalIgnoreCase)).ToArray();
        return unknown.Length == 0
            ? phases
            : throw new FormatException($"unknown phase(s) {string.Join(", ", unknown)}; known: {string.Join(", ", Phase.All)}");
    }
}
