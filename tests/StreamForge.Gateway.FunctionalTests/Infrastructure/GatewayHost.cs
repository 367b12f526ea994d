using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamForge.Gateway.Hosting;

namespace StreamForge.Gateway.FunctionalTests.Infrastructure;

/// <summary>The real gateway on real Kestrel, listening on 127.0.0.1 with a port the OS picked.</summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    private readonly TempFolder _contentRoot;

    private GatewayHost(WebApplication app, Uri address, TempFolder contentRoot)
    {
        _contentRoot = contentRoot;
        App = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    /// <param name="urls">Where to listen; loopback with an OS-picked port unless a test needs another interface.</param>
    /// <param name="configFile">A JSON file layered under <paramref name="config"/> and watched for changes, as <c>--config</c> does.</param>
    /// <param name="logs">Receives the gateway's error log lines.</param>
    /// <param name="services">Replaces gateway services before they are registered (a test clock).</param>
    public static async Task<GatewayHost> StartAsync(
        GatewayConfig config, string urls = "http://127.0.0.1:0", string? configFile = null, CapturedLogs? logs = null,
        Action<IServiceCollection>? services = null)
    {
        var contentRoot = new TempFolder("gateway-root");
        var app = GatewayApplication.Build(
            new WebApplicationOptions { ContentRootPath = contentRoot.Path, EnvironmentName = "Testing" },
            builder =>
            {
                if (configFile is not null)
                {
                    builder.Configuration.AddJsonFile(configFile, optional: false, reloadOnChange: true);
                }

                builder.Configuration.AddInMemoryCollection(config.Build());
                if (logs is not null)
                {
                    builder.Logging.AddProvider(logs);
                }

                services?.Invoke(builder.Services);
                builder.Configuration["Urls"] = urls;
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
            });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .OrderByDescending(a => a.Contains("127.0.0.1", StringComparison.Ordinal)).First();
        return new GatewayHost(app, new Uri(address), contentRoot);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        _contentRoot.Dispose();
    }
}
