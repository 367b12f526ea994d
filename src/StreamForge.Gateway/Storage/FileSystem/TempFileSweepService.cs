using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Uploads;
using Yarp.ReverseProxy;

namespace StreamForge.Gateway.Storage.FileSystem;

/// <summary>
/// Sweeps the temp folder of every file storage cluster, and the pipe stage's spill folder, at start-up, which is
/// when a crash's leftovers are found, and then every <see cref="FileStoreSettings.SweepPeriod"/>, for clusters added
/// by a reload and for temp files that outlive <see cref="FileStoreSettings.TempFileMaxAge"/>.
/// </summary>
internal sealed class TempFileSweepService(
    IProxyStateLookup proxyState,
    StorageClusterRegistry registry,
    TempFileSweeper sweeper,
    FileStoreSettings settings,
    TimeProvider time,
    ILogger<TempFileSweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // YARP loaded its clusters while the app was built (MapReverseProxy), before hosted services start.
        using var timer = new PeriodicTimer(settings.SweepPeriod, time);
        do
        {
            SweepAll();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private void SweepAll()
    {
        foreach (var cluster in proxyState.GetClusters())
        {
            if (registry.Find(cluster.Model.Config) is FileObjectStore store)
            {
                Sweep(store.Paths.TempFolder);
            }
        }

        Sweep(SharedTempFolders.PipeSpill);
    }

    private void Sweep(string folder)
    {
        try
        {
            sweeper.Sweep(folder, settings.TempFileMaxAge);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A folder that cannot be swept now (gone, unreadable) must not stop the gateway or the other folders.
            GatewayLog.TempSweepFailed(logger, folder, ex);
        }
    }
}
