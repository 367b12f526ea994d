using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Resumable;

/// <summary>What every resumable-upload request and the expiry sweep share: the per-upload lock, the clock, expiry.</summary>
internal sealed class ResumableUploads(UploadLocks locks, GatewayMetrics metrics, TimeProvider time, ILogger<ResumableUploads> logger)
{
    /// <summary>Route tag of the events the sweep records (it serves stores, not routes).</summary>
    public const string SweepRoute = "*";

    public UploadLocks Locks => locks;

    public DateTimeOffset Now => time.GetUtcNow();

    public bool IsExpired(ResumableUpload upload) => upload.Expires <= Now;

    /// <summary>
    /// Removes an expired upload (the caller holds its lock): the multipart upload is aborted, its bytes deleted. A
    /// stored upload's record just goes (its object stays); that is not an upload expiring unfinished.
    /// </summary>
    public async Task ExpireAsync(IResumableStore store, ResumableUpload upload, string routeId, CancellationToken cancellationToken)
    {
        await store.DeleteAsync(upload, cancellationToken);
        if (upload.IsStored)
        {
            return;
        }

        metrics.ResumableEvent(routeId, "expired");
        GatewayLog.ResumableExpired(logger, upload.Id, upload.Key);
    }

    /// <summary>Removes every expired upload of a store that no request is writing to now; returns how many.</summary>
    public async Task<int> SweepAsync(IResumableStore store, CancellationToken cancellationToken)
    {
        var removed = 0;
        await foreach (var id in store.ListIdsAsync(cancellationToken))
        {
            using var held = locks.TryAcquire(id);
            if (held is null)
            {
                continue; // Being written to, so not expired.
            }

            if (await store.LoadAsync(id, cancellationToken) is { } upload && IsExpired(upload))
            {
                await ExpireAsync(store, upload, SweepRoute, cancellationToken);
                removed++;
            }
        }

        return removed;
    }
}
