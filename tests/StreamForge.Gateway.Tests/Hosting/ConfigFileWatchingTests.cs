using Microsoft.Extensions.Configuration;
using StreamForge.Gateway.Hosting;

namespace StreamForge.Gateway.Tests.Hosting;

public sealed class ConfigFileWatchingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sf-config-watch").FullName;

    [Fact]
    public async Task A_reloading_config_file_is_polled_and_its_changes_still_arrive()
    {
        var file = Path.Combine(_folder, "gateway.json");
        await File.WriteAllTextAsync(file, """{ "Value": "first" }""");
        using var configuration = new ConfigurationManager();
        configuration.AddJsonFile(file, optional: false, reloadOnChange: true);

        ConfigFileWatching.PollConfigFiles(configuration);

        var source = Assert.Single(configuration.Sources.OfType<FileConfigurationSource>());
        // Watched by polling the file's timestamp, not by a watcher over its folder.
        var token = Assert.IsType<Microsoft.Extensions.Primitives.CompositeChangeToken>(source.FileProvider!.Watch(source.Path!));
        Assert.Contains(token.ChangeTokens, t => t is Microsoft.Extensions.FileProviders.Physical.PollingFileChangeToken);
        Assert.Equal("first", configuration["Value"]);

        // Written as a deployment does (a rename), with a later timestamp than the first version.
        var next = file + ".new";
        await File.WriteAllTextAsync(next, """{ "Value": "second" }""");
        File.SetLastWriteTimeUtc(next, DateTime.UtcNow.AddSeconds(2));
        File.Move(next, file, overwrite: true);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (configuration["Value"] != "second" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal("second", configuration["Value"]);
    }

    [Fact]
    public void Sources_that_do_not_reload_are_left_alone()
    {
        var file = Path.Combine(_folder, "fixed.json");
        File.WriteAllText(file, "{}");
        using var configuration = new ConfigurationManager();
        configuration.AddJsonFile(file, optional: false, reloadOnChange: false);
        var before = configuration.Sources.OfType<FileConfigurationSource>().Single().FileProvider;

        ConfigFileWatching.PollConfigFiles(configuration);

        Assert.Same(before, configuration.Sources.OfType<FileConfigurationSource>().Single().FileProvider);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
