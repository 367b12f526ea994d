using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using StreamForge.Gateway.Diagnostics;

namespace StreamForge.Gateway.Hosting;

/// <summary>
/// Makes every reloading configuration file (appsettings.json, the <c>--config</c> file) watched by polling its own
/// timestamp, every 4 seconds, instead of by ASP.NET Core's default: a FileSystemWatcher over the file's whole folder,
/// subfolders included. The gateway writes under that folder by default (the embedded file store's <c>data/</c>, the
/// edge cache's <c>cache/</c>, the access log's <c>logs/</c>, all under the content root), and the recursive watcher
/// handled an event for every write: file-store uploads cost 0.54-0.90 gateway CPU s per 256 MiB with their folder
/// watched against 0.35-0.84 without (tests/bench/README.md). It also takes one inotify watch per subfolder, which a
/// large store or cache can run out of.
/// </summary>
internal static class ConfigFileWatching
{
    public static void PollConfigFiles(IConfigurationBuilder configuration)
    {
        var sources = configuration.Sources;
        var replaced = new HashSet<PhysicalFileProvider>();
        var polling = new Dictionary<string, PhysicalFileProvider>(StringComparer.Ordinal);
        for (var index = 0; index < sources.Count; index++)
        {
            if (sources[index] is not FileConfigurationSource { ReloadOnChange: true, FileProvider: PhysicalFileProvider { UsePollingFileWatcher: false } watched } file)
            {
                continue;
            }

            if (!polling.TryGetValue(watched.Root, out var poller))
            {
                poller = new PhysicalFileProvider(watched.Root) { UsePollingFileWatcher = true, UseActivePolling = true };
                polling[watched.Root] = poller;
            }

            file.FileProvider = poller;
            // Setting the entry again rebuilds its provider, which now watches through the poller.
            sources[index] = file is JsonConfigurationSource json ? KeepingLastGood(json) : file;
            replaced.Add(watched);
        }

        // Read from the properties, not GetFileProvider(), which would make a provider when none is set.
        if (configuration.Properties.TryGetValue("FileProvider", out var set) && set is PhysicalFileProvider basePath && replaced.Contains(basePath))
        {
            configuration.SetFileProvider(polling[basePath.Root]);
        }

        foreach (var watcher in replaced)
        {
            // Stops the recursive FileSystemWatcher the first provider started.
            watcher.Dispose();
        }
    }

    /// <summary>Logs every change to a configuration file that could not be parsed, and so was not applied.</summary>
    public static void LogRefusedChanges(IConfiguration configuration, ILogger logger)
    {
        foreach (var provider in (configuration as IConfigurationRoot)?.Providers.OfType<LastGoodJsonConfigurationSource.Provider>() ?? [])
        {
            provider.Refused += (path, error) =>
                GatewayLog.ConfigurationRefused(logger, $"{path} could not be read ({error.Message}); its previous content keeps serving");
        }
    }

    private static LastGoodJsonConfigurationSource KeepingLastGood(JsonConfigurationSource json) => new()
    {
        Path = json.Path ?? string.Empty,
        Optional = json.Optional,
        ReloadOnChange = json.ReloadOnChange,
        ReloadDelay = json.ReloadDelay,
        FileProvider = json.FileProvider,
        OnLoadException = json.OnLoadException,
    };
}
