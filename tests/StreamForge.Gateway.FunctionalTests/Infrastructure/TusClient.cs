using System.Text.Json;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>tus-js-client, from Node (tests/tools/tus/upload.js): the uploader browsers and apps use.</summary>
internal static class TusClient
{
    /// <summary>What the client reported: the upload URL and how many bytes the server acknowledged.</summary>
    public sealed record Result(string Url, long Offset, bool Aborted);

    /// <param name="endpoint">The creation URL: the object's URL under a tus-enabled route.</param>
    /// <param name="abortAfter">Stop the upload (tus-js-client's abort) once this many bytes are acknowledged.</param>
    /// <param name="uploadUrl">Resume this upload instead of creating one.</param>
    public static async Task<Result> UploadAsync(
        Uri endpoint, string file, int chunkSize, long? abortAfter = null, string? uploadUrl = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var arguments = new List<string> { RepositoryPaths.TusUploadScript, "--endpoint", endpoint.ToString(), "--file", file, "--chunk-size", chunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (abortAfter is { } after)
        {
            arguments.AddRange(["--abort-after", after.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        if (uploadUrl is not null)
        {
            arguments.AddRange(["--upload-url", uploadUrl]);
        }

        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            arguments.AddRange(["--metadata", $"{key}={value}"]);
        }

        var (exitCode, output) = await CommandLine.RunAsync("node", arguments, timeoutSeconds: 60);
        Assert.True(exitCode == 0, $"tus-js-client failed: {output}");
        var line = output.Split('\n').First(l => l.StartsWith('{'));
        return JsonSerializer.Deserialize<Result>(line, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }
}
