using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>Reads a test gateway's access log (JSON lines under its content root's logs/), as an operator would.</summary>
internal static class AccessLogFile
{
    public static string DirectoryOf(GatewayHost gateway) =>
        Path.Combine(gateway.App.Services.GetRequiredService<IHostEnvironment>().ContentRootPath, "logs");

    /// <summary>Every line parsed; a line that is not one JSON object fails the test.</summary>
    public static List<JsonElement> ReadAll(GatewayHost gateway)
    {
        var directory = DirectoryOf(gateway);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var lines = new List<JsonElement>();
        foreach (var file in Directory.GetFiles(directory, "access-*.jsonl").Order(StringComparer.Ordinal))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0 || !line.EndsWith('}'))
                {
                    continue; // the writer's last line may still be on its way
                }

                using var json = JsonDocument.Parse(line);
                Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
                lines.Add(json.RootElement.Clone());
            }
        }

        return lines;
    }

    /// <summary>Waits for the line of the request to <paramref name="target"/> with <paramref name="method"/> (written asynchronously).</summary>
    public static async Task<JsonElement> LineForAsync(GatewayHost gateway, string method, string target)
    {
        JsonElement found = default;
        await Eventually.TrueAsync(() =>
        {
            var matches = ReadAll(gateway).Where(l => l.GetProperty("method").GetString() == method && l.GetProperty("target").GetString() == target).ToList();
            Assert.True(matches.Count <= 1, $"{matches.Count} lines for {method} {target}");
            found = matches.FirstOrDefault();
            return matches.Count == 1;
        }, $"the access log line of {method} {target}");
        return found;
    }
}
