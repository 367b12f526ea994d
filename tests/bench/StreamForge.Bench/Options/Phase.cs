namespace StreamForge.Bench.Options;

/// <summary>The measurements of a run, selectable with <c>--only</c>.</summary>
internal static class Phase
{
    public const string Downloads = "downloads";
    public const string Small = "small";
    public const string Memory = "memory";
    public const string Seeks = "seeks";
    public const string Uploads = "uploads";
    public const string Throttle = "throttle";
    public const string Cache = "cache";

    public static readonly IReadOnlyList<string> All = [Downloads, Small, Memory, Seeks, Uploads, Throttle, Cache];
}
