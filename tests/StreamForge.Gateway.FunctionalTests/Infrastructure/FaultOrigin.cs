using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
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

    private FaultOrigin(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Completes when the origin sees the client of /endless go away.</summary>
    public TaskCompletionSource EndlessAborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when /gated has sent its first half.</summary>
    public TaskCompletionSource GatedHalfSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
        app.MapGet("/gated", (HttpContext context) => GatedAsync(context, origin!));
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
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
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

    public async ValueTask DisposeAsync()
    {
        Gate.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
