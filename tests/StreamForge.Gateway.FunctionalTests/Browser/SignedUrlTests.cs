using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StreamForge.Gateway.FunctionalTests.Infrastructure;
using StreamForge.Gateway.Hosting;
using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.FunctionalTests.Browser;

/// <summary>
/// A route whose policy requires signatures: URLs minted by the <c>sign</c> command (from the same configuration file
/// the gateway runs with) serve, a folder signature covers everything under it, and missing, tampered, expired,
/// out-of-prefix and rotated-out signatures get 403 with their codes, before any storage call.
/// </summary>
public sealed class SignedUrlTests : IAsyncLifetime
{
    private static readonly string Key1 = Convert.ToBase64String([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);
    private static readonly string Key2 = Convert.ToBase64String([.. Enumerable.Range(50, 32).Select(i => (byte)i)]);

    private readonly TempFolder _folder = new("signed");
    private GatewayHost _gateway = null!;

    private string ConfigFile => _folder.Combine("gateway.json");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder.Combine("store", "shows", "a"));
        Directory.CreateDirectory(_folder.Combine("store", "shows", "b"));
        await File.WriteAllTextAsync(_folder.Combine("store", "shows", "a", "index.m3u8"), "#EXTM3U\n");
        await File.WriteAllTextAsync(_folder.Combine("store", "shows", "a", "seg-1.m4s"), "segment");
        await File.WriteAllTextAsync(_folder.Combine("store", "shows", "b", "index.m3u8"), "#EXTM3U\n");
        await File.WriteAllTextAsync(ConfigFile, JsonSerializer.Serialize(new
        {
            ReverseProxy = new
            {
                Routes = new { media = new { ClusterId = "files", Match = new { Path = "/media/{**key}" }, Metadata = new { StreamPolicy = "private" } } },
                Clusters = new { files = new { Destinations = new { d1 = new { Address = $"file://{_folder.Combine("store")}/" } } } },
            },
            StreamForge = new { StreamPolicies = new { @private = new { Access = new { Signed = true, Keys = new { k1 = Key1, k2 = Key2 } } } } },
        }));
        _gateway = await GatewayHost.StartAsync(new GatewayConfig(), configFile: ConfigFile);
    }

    [Fact]
    public async Task A_signed_folder_serves_its_playlist_and_segments()
    {
        var folder = Sign("/media/shows/a/");

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(folder + "index.m3u8"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(folder + "seg-1.m4s"));
    }

    [Fact]
    public async Task A_signed_file_serves_that_file_only()
    {
        var file = Sign("/media/shows/a/index.m3u8");

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(file));
        Assert.Equal("signature_invalid", await CodeAsync(file.Replace("index.m3u8", "seg-1.m4s", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Refusals_carry_their_codes()
    {
        var folder = Sign("/media/shows/a/");
        var token = folder.Split('/')[2];
        var tampered = folder.Replace(token, token[..^1] + (token[^1] == 'A' ? 'B' : 'A'), StringComparison.Ordinal);
        var expired = $"/media/{SignedUrl.CreateToken("media", "shows/a/", DateTimeOffset.UtcNow.AddMinutes(-1), "k1", Convert.FromBase64String(Key1))}/shows/a/";

        Assert.Equal("signature_missing", await CodeAsync("/media/shows/a/index.m3u8"));
        Assert.Equal("signature_invalid", await CodeAsync(tampered + "index.m3u8"));
        Assert.Equal("signature_invalid", await CodeAsync(folder.Replace("/shows/a/", "/shows/b/", StringComparison.Ordinal) + "index.m3u8"));
        Assert.Equal("signature_expired", await CodeAsync(expired + "index.m3u8"));
    }

    [Fact]
    public async Task A_second_key_signs_too_so_keys_can_rotate()
    {
        var folder = Sign("/media/shows/a/", "--key", "k2");

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(folder + "index.m3u8"));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _folder.Dispose();
    }

    private string Sign(string path, params string[] more)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = SignCommand.Run(["--config", ConfigFile, "--route", "media", "--path", path, "--ttl", "1h", .. more], output, error);
        Assert.True(code == 0, error.ToString());
        return output.ToString().Trim();
    }

    [Fact]
    public async Task Signing_leaves_the_edge_cache_of_a_running_gateway_alone()
    {
        // A fill in progress, as a gateway serving from this cache folder has it: what the cache's start sweeps away.
        var fill = _folder.Combine("cache", "ab", "ab12", "slice.0.fill.tmp");
        Directory.CreateDirectory(Path.GetDirectoryName(fill)!);
        await File.WriteAllTextAsync(fill, "bytes of a fill under way");
        var config = _folder.Combine("cached-gateway.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            ReverseProxy = new
            {
                Routes = new { media = new { ClusterId = "files", Match = new { Path = "/media/{**key}" }, Metadata = new { StreamPolicy = "private" } } },
                Clusters = new { files = new { Destinations = new { d1 = new { Address = $"file://{_folder.Combine("store")}/" } } } },
            },
            StreamForge = new
            {
                Cache = new { Directory = _folder.Combine("cache") },
                StreamPolicies = new { @private = new { Access = new { Signed = true, Keys = new { k1 = Key1 } }, Cache = new { Enabled = true } } },
            },
        }));

        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = SignCommand.Run(["--config", config, "--route", "media", "--path", "/media/shows/a/", "--ttl", "1h"], output, error);

        Assert.True(code == 0, error.ToString());
        Assert.True(File.Exists(fill));
    }

    private async Task<HttpStatusCode> StatusAsync(string path)
    {
        using var response = await _gateway.Client.GetAsync(path);
        return response.StatusCode;
    }

    private async Task<string?> CodeAsync(string path)
    {
        using var response = await _gateway.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ProblemBody>())!.Code;
    }
}
