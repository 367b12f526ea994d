using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Storage;
using Yarp.ReverseProxy;

namespace StreamForge.Gateway.Resumable;

/// <summary>
/// Aborts resumable uploads that outlived their Upload-Expires, in every storage cluster (S3: AbortMultipartUpload
/// and the state and tail objects deleted; file store: the data and state files removed), every
/// <see cref="ResumableSweepSettings.Period"/>. Any instance may sweep any upload: state lives in the store.
/// </summary>
internal sealed class ResumableSweepService(
    IProxyStateLookup proxyState,
    StorageClusterRegistry registry,
    ResumableUploads uploads,
    ResumableSweepSettings settings,
    TimeProvider time,
    ILogger<ResumableSweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Period, time);
        do
        {
            await SweepAllAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task SweepAllAsync(CancellationToken stoppingToken)
    {
        var stores = proxyState.GetClusters().Select(c => registry.Find(c.Model.Config)?.Resumable).OfType<IResumableStore>().Distinct();
        foreach (var store in stores)
        {
            try
            {
                await uploads.SweepAsync(store, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // A store that cannot be swept now (S3 down) must not stop the others; the next sweep tries again.
                GatewayLog.ResumableSweepFailed(logger, store.GetType().Name, ex);
            }
        }
    }
}
