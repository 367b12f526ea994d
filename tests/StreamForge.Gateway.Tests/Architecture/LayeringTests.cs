using System.Text.RegularExpressions;

namespace StreamForge.Gateway.Tests.Architecture;

/// <summary>The gateway's folders depend one way, in the order src/StreamForge.Gateway/README.md gives.</summary>
public sealed partial class LayeringTests
{
    private static readonly string[] BottomUp =
    [
        "Throttling", "Ranges", "Streaming", "Diagnostics", "Errors", "Security", "Uploads", "Storage", "Resumable", "Caching", "RateLimiting",
        "Configuration", "Routing", "Proxy", "Hosting",
    ];

    [Fact]
    public void Every_folder_uses_only_folders_below_it()
    {
        var source = Path.Combine(RepositoryRoot.Path, "src", "StreamForge.Gateway");
        var violations = new List<string>();
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            var folder = relative.Split(Path.DirectorySeparatorChar)[0];
            var rank = Array.IndexOf(BottomUp, folder);
            if (rank < 0 || relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal))
            {
                continue; // Program.cs and build output.
            }

            foreach (Match use in GatewayUsing().Matches(File.ReadAllText(file)))
            {
                var target = use.Groups[1].Value;
                if (target != folder && Array.IndexOf(BottomUp, target) >= rank)
                {
                    violations.Add($"{relative} uses {target}");
                }
            }
        }

        Assert.Empty(violations);
    }

    [Fact]
    public void Every_folder_is_placed_in_the_order()
    {
        var source = Path.Combine(RepositoryRoot.Path, "src", "StreamForge.Gateway");
        // Folders without source are what a local run leaves behind (build output, the file store, the access log).
        var folders = Directory.GetDirectories(source)
            .Where(folder => Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories).Any())
            .Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj"));

        Assert.All(folders, folder => Assert.Contains(folder, BottomUp));
    }

    [GeneratedRegex(@"^using StreamForge\.Gateway\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex GatewayUsing();
}
