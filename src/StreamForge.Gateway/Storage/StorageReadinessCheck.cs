using Microsoft.Extensions.Diagnostics.HealthChecks;
using Yarp.ReverseProxy;

namespace StreamForge.Gateway.Storage;

/// <summary>/readyz: every storage cluster answers (S3: HEAD bucket; file store: the folder exists).</summary>
internal sealed class StorageReadinessCheck(IProxyStateLookup proxyState, StorageClusterRegistry registry) : IHealthCheck
{
    private static readonly TimeSpan PerClusterTimeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failures = new Dictionary<string, object>();
        foreach (var cluster in proxyState.GetClusters())
        {
            var store = registry.Find(cluster.Model.Config);
            if (store is null)
            {
                continue;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(PerClusterTimeout);
            try
            {
                await store.CheckReadyAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures[cluster.ClusterId] = ex.Message;
            }
        }

        return failures.Count == 0
            ? HealthCheckResult.Healthy("all storage clusters reachable")
            : HealthCheckResult.Unhealthy($"{failures.Count} storage cluster(s) unreachable", data: failures);
    }
}
