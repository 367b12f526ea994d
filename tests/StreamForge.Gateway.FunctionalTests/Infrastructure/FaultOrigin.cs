using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// A Kestrel origin on loopback that misbehaves on purpose: dies mid-body, streams without end, or holds
/// its response until a test opens a gate. It records what it saw so tests can assert on the upstream side.
/// </summary>
internal sealed class FaultOrigin : IAsyncDisposable
{
    public const int ChunkSize = 64 * 1024;

    private readonly WebApplication _app;
    private long _countedBytesWritten;
    private long _sinkBytesRead;
    private int _hangRequests;

    private FaultOrigin(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>How many requests /hang received (and never answered).</summary>
    public int HangRequests => Volatile.Read(ref _hangRequests);

    /// <summary>Completes when the origin sees the client of /endless go away.</summary>
    public TaskCompletionSource EndlessAborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the client of /no-ranges-huge goes away.</summary>
    public TaskCompletionSource HugeAborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when /gated has sent its first half.</summary>
    public TaskCompletionSource GatedHalfSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Bytes /counted managed to hand to its socket: what the gateway pulled from upstream.</summary>
    public long CountedBytesWritten => Interlocked.Read(ref _countedBytesWritten);

    /// <summary>Bytes /slow-sink read from an upload before it stopped reading.</summary>
    public long SinkBytesRead => Interlocked.Read(ref _sinkBytesRead);

    /// <summary>Opened by a test to let /gated send its second half.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<FaultOrigin> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FaultOrigin? origin = null;
        app.MapGet("/die-after/{bytes:int}", (HttpContext context, int bytes) => DieAfterAsync(context, bytes));
        app.MapGet("/endless", (HttpContext context) => EndlessAsync(context, origin!.EndlessAborted));
        // Accepts the request and never answers: an origin that hangs before its response headers.
        app.MapGet("/hang", (HttpContext context) =>
        {
            Interlocked.Increment(ref origin!._hangRequests);
            return Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        app.MapGet("/gated", (HttpContext context) => GatedAsync(context, origin!));
        app.MapGet("/counted/{mebibytes:int}", (HttpContext context, int mebibytes) => origin!.CountedAsync(context, mebibytes));
        app.MapPut("/slow-sink", (HttpContext context) => origin!.SlowSinkAsync(context));
        app.MapPut("/count", CountAsync);
        app.MapGet("/no-ranges/{length:int}", (HttpContext context, int length) => IgnoreRangeAsync(context, length));
        // 1 TiB announced, ranges ignored, sent until the client goes: what a gateway must not read to the end.
        app.MapGet("/no-ranges-huge", (HttpContext context) => IgnoreRangeAsync(context, 1L << 40, origin!.HugeAborted));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        origin = new FaultOrigin(app, new Uri(address));
        return origin;
    }

    private static async Task DieAfterAsync(HttpContext context, int bytes)
    {
        context.Response.ContentLength = 10 * 1024 * 1024;
        await context.Response.Body.WriteAsync(new byte[bytes]);
        await context.Response.Body.FlushAsync();
        context.Abort();
    }

    private static async Task EndlessAsync(HttpContext context, TaskCompletionSource aborted)
    {
        using var registration = context.RequestAborted.Register(() => aborted.TrySetResult());
        var chunk = new byte[ChunkSize];
        try
        {
            // Kestrel now and then lets a connection go without signalling RequestAborted (seen a few times in some
            // hundred runs, with no socket left open): its pipe then completes every write, which says the same.
            while (!(await context.Response.BodyWriter.WriteAsync(chunk, context.RequestAborted)).IsCompleted)
            {
            }

            aborted.TrySetResult();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            aborted.TrySetResult();
        }
    }

    private static async Task GatedAsync(HttpContext context, FaultOrigin origin)
    {
        context.Response.ContentLength = 2 * ChunkSize;
        await context.Response.Body.WriteAsync(new byte[ChunkSize]);
        await context.Response.Body.FlushAsync();
        origin.GatedHalfSent.TrySetResult();
        await origin.Gate.Task;
        await context.Response.Body.WriteAsync(new byte[ChunkSize]);
    }

    /// <summary>Writes up to the given size, counting what its socket accepted.</summary>
    private async Task CountedAsync(HttpContext context, int mebibytes)
    {
        context.Response.ContentLength = mebibytes * 1024L * 1024;
        var chunk = new byte[ChunkSize];
        for (long sent = 0; sent < context.Response.ContentLength; sent += chunk.Length)
        {
            await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            Interlocked.Add(ref _countedBytesWritten, chunk.Length);
        }
    }

    /// <summary>The strong validator /no-ranges sends with a body of that length.</summary>
    public static string NoRangesETag(long length) => $"\"no-ranges-{length}\"";

    /// <summary>The byte at each position of /no-ranges bodies.</summary>
    public static byte PatternAt(long position) => (byte)(position % 251);

    /// <summary>Answers every GET with the whole body, 200, whatever its Range says (like many small origins).</summary>
    private static async Task IgnoreRangeAsync(HttpContext context, long length, TaskCompletionSource? aborted = null)
    {
        using var registration = aborted is null ? default : context.RequestAborted.Register(() => aborted.TrySetResult());
        context.Response.ContentLength = length;
        context.Response.Headers.ETag = NoRangesETag(length);
        var chunk = new byte[ChunkSize];
        try
        {
            for (long sent = 0; sent < length; sent += chunk.Length)
            {
                var size = (int)Math.Min(chunk.Length, length - sent);
                for (var i = 0; i < size; i++)
                {
                    chunk[i] = PatternAt(sent + i);
                }

                // A completed write: the client is gone (see EndlessAsync).
                if ((await context.Response.BodyWriter.WriteAsync(chunk.AsMemory(0, size), context.RequestAborted)).IsCompleted)
                {
                    aborted?.TrySetResult();
                    return;
                }
            }
        }
        catch (Exception ex) when (aborted is not null && ex is OperationCanceledException or IOException)
        {
            aborted.TrySetResult();
        }
    }

    /// <summary>Reads a whole upload and answers with its length and whether the client asked for 100-continue.</summary>
    private static async Task CountAsync(HttpContext context)
    {
        context.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
        var buffer = new byte[ChunkSize];
        long total = 0;
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            total += read;
        }

        await context.Response.WriteAsync($"{total} expect={context.Request.Headers.Expect}");
    }

    /// <summary>Reads one chunk of an upload, then stops reading until the gate opens.</summary>
    private async Task SlowSinkAsync(HttpContext context)
    {
        context.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
        var buffer = new byte[ChunkSize];
        var read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted);
        Interlocked.Add(ref _sinkBytesRead, read);
        await Gate.Task.WaitAsync(context.RequestAborted);
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            Interlocked.Add(ref _sinkBytesRead, read);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Gate.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
