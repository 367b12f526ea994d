using System.Globalization;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Resumable;
using StreamForge.Gateway.Routing;
using StreamForge.Gateway.Storage;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// tus 1.0.0 on a storage route whose policy enables <c>Resumable</c>: OPTIONS, creation (POST), HEAD, PATCH and
/// termination (DELETE) on upload URLs under the route (<c>/route/.streamforge-tus/&lt;id&gt;</c>). Writes need the
/// route's WriteAccess, like PUT; bytes go through <see cref="TusWriter"/>.
/// </summary>
internal sealed class TusHandler(ResumableUploads uploads, TusWriter writer, GatewayMetrics metrics)
{
    /// <summary>
    /// Whether a storage request is answered here: anything under the reserved folder (upload URLs, or a refusal where
    /// tus is off), and on tus routes OPTIONS and a POST with Tus-Resumable.
    /// </summary>
    public static bool Handles(HttpContext context, ResolvedRoute route, string? keyPath) =>
        ResumableNames.IsReserved(keyPath)
        || (route.Policy.Resumable.Enabled
            && (HttpMethods.IsOptions(context.Request.Method)
                || (HttpMethods.IsPost(context.Request.Method) && context.Request.Headers.ContainsKey(TusHeaders.Resumable))));

    public async Task HandleAsync(HttpContext context, ResolvedRoute route, IObjectStore store, string? keyPath)
    {
        var policy = route.Policy.Resumable;
        if (!policy.Enabled || store.Resumable is not { } resumable || (ResumableNames.IsReserved(keyPath) && !IsUploadUrlMethod(context.Request.Method)))
        {
            await RefuseAsync(context);
            return;
        }

        if (HttpMethods.IsOptions(context.Request.Method))
        {
            WriteOptions(context, policy);
            return;
        }

        // tus 1.0.0: every response but OPTIONS's MUST carry Tus-Resumable, the write gate's and storage errors' too.
        context.Response.OnStarting(static response =>
        {
            ((HttpResponse)response).Headers[TusHeaders.Resumable] = TusHeaders.SupportedVersion;
            return Task.CompletedTask;
        }, context.Response);

        if (!await UploadGate.AdmitAsync(context, route))
        {
            return;
        }

        if (context.Request.Headers[TusHeaders.Resumable] != TusHeaders.SupportedVersion)
        {
            await ProblemAsync(context, StatusCodes.Status412PreconditionFailed, ErrorCodes.TusVersionUnsupported,
                $"Tus-Resumable must be {TusHeaders.SupportedVersion}", h => h[TusHeaders.Version] = TusHeaders.SupportedVersion);
            return;
        }

        try
        {
            await DispatchAsync(context, route, resumable, keyPath);
        }
        catch (UploadLockedException ex)
        {
            await LockedAsync(context, ex.Message);
        }
        catch (StorageException ex)
        {
            await StorageErrorResponder.WriteAsync(context, ex);
        }
    }

    private static bool IsUploadUrlMethod(string method) =>
        HttpMethods.IsHead(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method) || HttpMethods.IsOptions(method);

    /// <summary>A problem response that still carries Tus-Resumable, as tus asks of every response.</summary>
    public static Task ProblemAsync(HttpContext context, int status, string code, string detail, Action<IHeaderDictionary>? headers = null) =>
        ProblemResponder.WriteAsync(context, status, code, detail, h =>
        {
            h[TusHeaders.Resumable] = TusHeaders.SupportedVersion;
            headers?.Invoke(h);
        });

    public static Task LockedAsync(HttpContext context, string detail) =>
        ProblemAsync(context, StatusCodes.Status423Locked, ErrorCodes.UploadLocked, detail);

    public static string HttpDate(DateTimeOffset time) => time.ToString("R", CultureInfo.InvariantCulture);

    private Task DispatchAsync(HttpContext context, ResolvedRoute route, IResumableStore resumable, string? keyPath)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsPost(method))
        {
            return writer.CreateAsync(context, route, resumable, keyPath);
        }

        var id = keyPath is null ? string.Empty : keyPath[Math.Min(keyPath.Length, ResumableNames.Folder.Length + 1)..];
        if (!ResumableNames.IsValidId(id))
        {
            return ProblemAsync(context, StatusCodes.Status404NotFound, ErrorCodes.UploadNotFound, "no such upload");
        }

        if (HttpMethods.IsHead(method))
        {
            return HeadAsync(context, route, resumable, id);
        }

        if (HttpMethods.IsPatch(method))
        {
            return writer.PatchAsync(context, route, resumable, id);
        }

        if (HttpMethods.IsDelete(method))
        {
            return TerminateAsync(context, route, resumable, id);
        }

        return ProblemAsync(context, StatusCodes.Status405MethodNotAllowed, ErrorCodes.MethodNotAllowed,
            $"{method} is not a tus method", h => h.Allow = "HEAD, PATCH, DELETE, OPTIONS");
    }

    /// <summary>
    /// The upload, or null once a 404 (none) or 410 (expired, removed now when nobody is writing to it) was answered.
    /// </summary>
    /// <param name="held">The caller's lock on the upload, when it holds it already (PATCH, DELETE).</param>
    public static async Task<ResumableUpload?> LoadLiveAsync(
        ResumableUploads uploads, HttpContext context, ResolvedRoute route, IResumableStore resumable, string id, IDisposable? held = null)
    {
        var upload = await resumable.LoadAsync(id, context.RequestAborted);
        if (upload is null)
        {
            await ProblemAsync(context, StatusCodes.Status404NotFound, ErrorCodes.UploadNotFound, $"no upload {id} (never created, terminated, or gone since it expired)");
            return null;
        }

        if (!uploads.IsExpired(upload))
        {
            return upload;
        }

        using (var taken = held is null ? uploads.Locks.TryAcquire(id) : null)
        {
            if (held is not null || taken is not null)
            {
                await uploads.ExpireAsync(resumable, upload, route.RouteId, context.RequestAborted);
            }
        }

        await ProblemAsync(context, StatusCodes.Status410Gone, ErrorCodes.UploadExpired, $"upload {id} expired at {HttpDate(upload.Expires)}");
        return null;
    }

    private async Task HeadAsync(HttpContext context, ResolvedRoute route, IResumableStore resumable, string id)
    {
        if (await LoadLiveAsync(uploads, context, route, resumable, id) is not { } upload)
        {
            return;
        }

        if (upload.IsComplete && !upload.IsStored)
        {
            // Every byte is stored but completing failed last time (S3 down): a client that sees offset == length
            // sends nothing more, so finish it now.
            using var held = uploads.Locks.TryAcquire(id);
            if (held is not null && !await writer.CompleteAsync(context, route, resumable, upload))
            {
                return;
            }
        }

        // A HEAD is how a client resumes: it asks where to continue from (of a stored upload: that it is done).
        if (!upload.IsStored)
        {
            metrics.ResumableEvent(route.RouteId, "resumed");
        }

        var headers = context.Response.Headers;
        headers[TusHeaders.Resumable] = TusHeaders.SupportedVersion;
        headers[TusHeaders.UploadOffset] = upload.Offset.ToString(CultureInfo.InvariantCulture);
        if (upload.Length is { } length)
        {
            headers[TusHeaders.UploadLength] = length.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            headers[TusHeaders.UploadDeferLength] = "1";
        }

        if (upload.Metadata is { Length: > 0 } metadata)
        {
            headers[TusHeaders.UploadMetadata] = metadata;
        }

        headers[TusHeaders.UploadExpires] = HttpDate(upload.Expires);
        headers.CacheControl = "no-store";
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private async Task TerminateAsync(HttpContext context, ResolvedRoute route, IResumableStore resumable, string id)
    {
        using var held = uploads.Locks.TryAcquire(id);
        if (held is null)
        {
            await LockedAsync(context, $"upload {id} is being written to; terminate it once that request ends");
            return;
        }

        if (await LoadLiveAsync(uploads, context, route, resumable, id, held) is not { } upload)
        {
            return;
        }

        await resumable.DeleteAsync(upload, CancellationToken.None);
        metrics.ResumableEvent(route.RouteId, "terminated");
        context.Response.Headers[TusHeaders.Resumable] = TusHeaders.SupportedVersion;
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static void WriteOptions(HttpContext context, ResumablePolicy policy)
    {
        var headers = context.Response.Headers;
        headers[TusHeaders.Resumable] = TusHeaders.SupportedVersion;
        headers[TusHeaders.Version] = TusHeaders.SupportedVersion;
        headers[TusHeaders.Extension] = TusHeaders.Extensions;
        headers[TusHeaders.MaxSize] = policy.MaxSize.ToString(CultureInfo.InvariantCulture);
        headers[TusHeaders.ChecksumAlgorithm] = UploadChecksum.Supported;
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>Upload URLs (and the state behind them) are never served or written as objects.</summary>
    private static Task RefuseAsync(HttpContext context) =>
        ProblemResponder.WriteAsync(context, StatusCodes.Status404NotFound, ErrorCodes.ReservedKey,
            $"keys under '{ResumableNames.Folder}/' are reserved for resumable uploads");
}
