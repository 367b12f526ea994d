using System.Net;
using System.Text.Json;
using StreamForge.Gateway.FunctionalTests.Infrastructure;
using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.FunctionalTests.Hosting;

/// <summary>
/// One configuration lifecycle: a running gateway whose config file is rewritten picks up new routes and changed
/// policies, refuses an invalid rewrite as a whole (logging every problem) while the old routes keep serving, and
/// lets a download in flight finish byte-exact on the configuration it started with.
/// </summary>
public sealed class ConfigurationReloadTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new("reload");
    private readonly CapturedLogs _logs = new();
    private GatewayHost _gateway = null!;
    private string _expected = string.Empty;

    private string ConfigFile => _folder.Combine("gateway.json");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder.Combine("store"));
        _expected = TestData.CreateFile(_folder.Combine("store", "movie.bin"), 8 * TestData.MiB, seed: 5);
        WriteConfig(Routes(("a", "/a/{**key}", "p1")), Policies(("p1", "64MiB", "4MB")));
        _gateway = await GatewayHost.StartAsync(new GatewayConfig(), configFile: ConfigFile, logs: _logs);
    }

    [Fact]
    public async Task A_new_route_and_a_changed_policy_serve_without_a_restart()
    {
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync("/b/movie.bin"));
        Assert.Equal(HttpStatusCode.Created, await PutStatusAsync("/a/upload.bin", 2 * TestData.MiB));

        WriteConfig(Routes(("a", "/a/{**key}", "p1"), ("b", "/b/{**key}", "p2")), Policies(("p1", "1MiB", "4MB"), ("p2", "64MiB", "4MB")));

        await Eventually.TrueAsync(async () => await StatusAsync("/b/movie.bin") == HttpStatusCode.OK, "the new route serves");
        // p1's body limit went from 64 MiB to 1 MiB: the route now refuses what it accepted before.
        await Eventually.TrueAsync(async () => await PutStatusAsync("/a/upload.bin", 2 * TestData.MiB) == HttpStatusCode.RequestEntityTooLarge,
            "the changed policy applies to new requests");
    }

    [Fact]
    public async Task A_storage_cluster_moved_to_another_address_alone_serves_from_there()
    {
        Directory.CreateDirectory(_folder.Combine("moved"));
        await File.WriteAllTextAsync(_folder.Combine("moved", "where.txt"), "moved");
        await File.WriteAllTextAsync(_folder.Combine("store", "where.txt"), "store");

        // Only the cluster's address changes: YARP rebuilds no route for that, and the route's store was the old one.
        WriteConfig(Routes(("a", "/a/{**key}", "p1")), Policies(("p1", "64MiB", "4MB")), store: "moved");

        await Eventually.TrueAsync(async () => await _gateway.Client.GetStringAsync("/a/where.txt") == "moved", "the route serves from the new folder");
    }

    [Fact]
    public async Task A_config_file_that_cannot_be_parsed_is_refused_logged_and_the_routes_keep_serving()
    {
        var temp = ConfigFile + ".tmp";
        await File.WriteAllTextAsync(temp, "{ \"ReverseProxy\": { \"Routes\": "); // A truncated write.
        File.Move(temp, ConfigFile, overwrite: true);

        // .NET's provider emptied the file's data: every route answered 404, and nothing was logged.
        await Eventually.TrueAsync(() => _logs.Errors.Any(line => line.Contains("could not be read", StringComparison.Ordinal)), "the refusal is logged");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/a/movie.bin"));

        WriteConfig(Routes(("a", "/a/{**key}", "p1"), ("b", "/b/{**key}", "p1")), Policies(("p1", "64MiB", "4MB")));
        await Eventually.TrueAsync(async () => await StatusAsync("/b/movie.bin") == HttpStatusCode.OK, "a good file applies again");
    }

    [Fact]
    public async Task A_config_file_that_is_deleted_is_refused_logged_and_the_routes_keep_serving()
    {
        File.Delete(ConfigFile);

        // .NET's provider emptied the file's data: every route answered 404, and nothing was logged.
        await Eventually.TrueAsync(() => _logs.Errors.Any(line => line.Contains("is missing", StringComparison.Ordinal)), "the refusal is logged");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/a/movie.bin"));

        WriteConfig(Routes(("a", "/a/{**key}", "p1"), ("b", "/b/{**key}", "p1")), Policies(("p1", "64MiB", "4MB")));
        await Eventually.TrueAsync(async () => await StatusAsync("/b/movie.bin") == HttpStatusCode.OK, "the file back applies again");
    }

    [Fact]
    public async Task An_invalid_rewrite_is_refused_as_a_whole_logged_with_every_problem_and_the_old_routes_keep_serving()
    {
        WriteConfig(
            Routes(("a", "/a/{**key}", "p1"), ("c", "/c/{**key}", "missing-policy")),
            Policies(("p1", "64MiB", "4MB")),
            extraPolicyLine: ("p1", "Buffer", "StallTimeout", "not a duration"));

        await Eventually.TrueAsync(() => _logs.Errors.Any(line => line.Contains("missing-policy", StringComparison.Ordinal)), "the refusal is logged");
        var refusal = _logs.Errors.First(line => line.Contains("missing-policy", StringComparison.Ordinal));
        Assert.Contains("ReverseProxy:Routes:c:Metadata:StreamPolicy", refusal, StringComparison.Ordinal);
        Assert.Contains("StreamForge:StreamPolicies:p1:Buffer:StallTimeout", refusal, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/a/movie.bin"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync("/c/movie.bin"));
        Assert.Equal(HttpStatusCode.Created, await PutStatusAsync("/a/upload.bin", 2 * TestData.MiB));
    }

    [Fact]
    public async Task A_rewrite_YARP_refuses_leaves_the_gateways_own_settings_as_they_were_too()
    {
        var routes = Routes(("a", "/a/{**key}", "p1"));
        ((Dictionary<string, object>)routes["a"])["CorsPolicy"] = "players";
        WriteConfig(routes, Policies(("p1", "64MiB", "4MB")), delivery: Cors("https://player.example"));
        await Eventually.TrueAsync(async () => await AllowedOriginAsync("https://player.example") == "https://player.example", "the CORS policy applies");

        // The StreamForge part is valid on its own; YARP refuses the new route's transform, so the whole change is refused.
        routes["d"] = Routes(("d", "/d/{**key}", "p1"))["d"];
        ((Dictionary<string, object>)routes["d"])["Transforms"] = new[] { new Dictionary<string, string> { ["NoSuchTransform"] = "x" } };
        WriteConfig(routes, Policies(("p1", "64MiB", "4MB")), delivery: Cors("*"));

        await Eventually.TrueAsync(() => _logs.Errors.Any(line => line.Contains("NoSuchTransform", StringComparison.Ordinal)), "YARP's refusal is logged");
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync("/d/movie.bin"));
        // The CORS policy came with the refused change: any origin was allowed while the change's routes were not.
        Assert.Null(await AllowedOriginAsync("https://other.example"));
        Assert.Equal("https://player.example", await AllowedOriginAsync("https://player.example"));
    }

    private static Dictionary<string, object> Cors(string origin) =>
        new() { ["Cors"] = new Dictionary<string, object> { ["players"] = new Dictionary<string, object> { ["AllowedOrigins"] = new[] { origin } } } };

    private async Task<string?> AllowedOriginAsync(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/a/movie.bin");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        using var response = await _gateway.Client.SendAsync(request);
        return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
    }

    [Fact]
    public async Task A_download_in_flight_during_a_reload_completes_byte_exact()
    {
        // 8 MiB at 4 MB/s: about two seconds in flight, long enough to reload under it.
        using var response = await _gateway.Client.GetAsync("/a/movie.bin", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var head = new byte[TestData.MiB];
        await body.ReadExactlyAsync(head);

        WriteConfig(Routes(("a", "/a/{**key}", "p1"), ("b", "/b/{**key}", "p1")), Policies(("p1", "1MiB", "8MB")));
        await Eventually.TrueAsync(async () => await StatusAsync("/b/movie.bin") == HttpStatusCode.OK, "the reload is applied");

        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        sha.AppendData(head);
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, read);
        }

        Assert.Equal(_expected, Convert.ToHexString(sha.GetHashAndReset()));
    }

    [Fact]
    public async Task Media_types_and_compression_follow_a_reload()
    {
        await File.WriteAllTextAsync(_folder.Combine("store", "notes.xyz"), string.Concat(Enumerable.Repeat("a manifest line\n", 200)));
        Assert.Equal(("application/octet-stream", ""), await TypeAndEncodingAsync("/a/notes.xyz"));

        WriteConfig(Routes(("a", "/a/{**key}", "p1")), Policies(("p1", "64MiB", "4MB")),
            delivery: new() { ["MediaTypes"] = new Dictionary<string, string> { [".xyz"] = "text/plain" } });
        await Eventually.TrueAsync(async () => await TypeAndEncodingAsync("/a/notes.xyz") == ("text/plain", "gzip"), "the new type, compressed");

        WriteConfig(Routes(("a", "/a/{**key}", "p1")), Policies(("p1", "64MiB", "4MB")), delivery: new()
        {
            ["MediaTypes"] = new Dictionary<string, string> { [".xyz"] = "text/plain" },
            ["Compression"] = new Dictionary<string, string> { ["Enabled"] = "false" },
        });
        await Eventually.TrueAsync(async () => await TypeAndEncodingAsync("/a/notes.xyz") == ("text/plain", ""), "compression turned off");
    }

    private async Task<(string Type, string Encoding)> TypeAndEncodingAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        using var response = await _gateway.Client.SendAsync(request);
        return (response.Content.Headers.ContentType?.MediaType ?? "", string.Join(",", response.Content.Headers.ContentEncoding));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _logs.Dispose();
        _folder.Dispose();
    }

    private async Task<HttpStatusCode> StatusAsync(string path)
    {
        using var response = await _gateway.Client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> PutStatusAsync(string path, int size)
    {
        using var response = await _gateway.Client.PutAsync(path, new ByteArrayContent(new byte[size]));
        return response.StatusCode;
    }

    private static Dictionary<string, object> Routes(params (string Id, string Path, string Policy)[] routes) =>
        routes.ToDictionary(r => r.Id, r => (object)new Dictionary<string, object>
        {
            ["ClusterId"] = "files",
            ["Match"] = new Dictionary<string, object> { ["Path"] = r.Path },
            ["Metadata"] = new Dictionary<string, object> { ["StreamPolicy"] = r.Policy, ["WriteAccess"] = "Anonymous" },
        });

    private static Dictionary<string, Dictionary<string, Dictionary<string, string>>> Policies(params (string Name, string MaxBodySize, string Rate)[] policies) =>
        policies.ToDictionary(p => p.Name, p => new Dictionary<string, Dictionary<string, string>>
        {
            ["Upload"] = new() { ["MaxBodySize"] = p.MaxBodySize },
            ["Throttle"] = new() { ["BytesPerSecond"] = p.Rate },
        });

    /// <summary>Writes the whole file at once (a rename), as an editor or a config deployment does.</summary>
    private void WriteConfig(
        Dictionary<string, object> routes,
        Dictionary<string, Dictionary<string, Dictionary<string, string>>> policies,
        (string Policy, string Section, string Key, string Value)? extraPolicyLine = null,
        Dictionary<string, object>? delivery = null,
        string store = "store")
    {
        if (extraPolicyLine is { } extra)
        {
            policies[extra.Policy].TryAdd(extra.Section, []);
            policies[extra.Policy][extra.Section][extra.Key] = extra.Value;
        }

        var document = new Dictionary<string, object>
        {
            ["ReverseProxy"] = new Dictionary<string, object>
            {
                ["Routes"] = routes,
                ["Clusters"] = new Dictionary<string, object>
                {
                    ["files"] = new Dictionary<string, object>
                    {
                        ["Destinations"] = new Dictionary<string, object> { ["d1"] = new Dictionary<string, string> { ["Address"] = $"file://{_folder.Combine(store)}/" } },
                    },
                },
            },
            ["StreamForge"] = new Dictionary<string, object>(delivery ?? []) { ["StreamPolicies"] = policies },
        };
        var temp = ConfigFile + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(document));
        File.Move(temp, ConfigFile, overwrite: true);
    }
}
