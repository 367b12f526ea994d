namespace StreamForge.Bench.Measuring;

/// <summary>Every figure goes to stdout the moment it is measured, tagged with its measurement.</summary>
internal static class Live
{
    public static void Print(string phase, string line) => Console.WriteLine($"[{phase}] {line}");

    public static void Heading(string text) => Console.WriteLine($"{Environment.NewLine}== {text} ==");
}
