using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StreamForge.Gateway.Caching;
using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Proxy;
using StreamForge.Gateway.Resumable;
using StreamForge.Gateway.Routing;
using StreamForge.Gateway.Security;
using StreamForge.Gateway.Storage;
using StreamForge.Gateway.Storage.FileSystem;
using StreamForge.Gateway.Storage.S3;
using StreamForge.Gateway.Throttling;
using StreamForge.Gateway.Uploads;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace StreamForge.Gateway.Hosting;

/// <summary>Composition of the gateway: configuration, services and the request pipeline.</summary>
public static class GatewayApplication
{
    /// <summary>Builds the gateway; throws <see cref="GatewayConfigurationException"/> listing every config problem.</summary>
    /// <param name="configure">Lets tests add configuration (addresses, routes) before it is validated.</param>
    /// <param name="toServe">
    /// False for a command that only reads the configuration (<c>sign</c>): it must not open the edge cache, whose start
    /// sweeps the temp files of fills, which may belong to a gateway serving from the same folder.
    /// </param>
    public static WebApplication Build(WebApplicationOptions options, Action<WebApplicationBuilder>? configure = null, bool toServe = true)
    {
        var builder = WebApplication.CreateBuilder(options);
        AddConfigFileFromArguments(builder, options.Args ?? []);
        configure?.Invoke(builder);
        ConfigFileWatching.PollConfigFiles(builder.Configuration);

        var settings = GatewaySettingsLoader.Load(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(settings);
        // What start-up-only parts need, so that they do not depend on the whole configuration.
        builder.Services.AddSingleton(settings.S3);
        builder.Services.AddSingleton(settings.FileStore);
        builder.Services.AddSingleton(settings.Admin);
        builder.Services.AddSingleton(new GatewaySettingsSource(settings, builder.Configuration, builder.Environment.ContentRootPath));
        // Kestrel's shutdown: stop accepting, let requests in flight run up to this long, then abort them.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.DrainTimeout);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Limits are per route (stream policies), applied per request; Kestrel's global 30 MB would cap every upload.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MaxResponseBufferSize = BufferPolicy.ServerResponseBufferBytes;
            // Origin field values with obs-text (RFC 9110 section 5.5: bytes 0x80-0xFF, e.g. a UTF-8 file name in
            // Content-Disposition, an ETag) reach the gateway as Latin-1 text, HttpClient's default; written back as
            // Latin-1 they go out byte for byte. Kestrel's default, ASCII only, failed such responses with a 500.
            kestrel.ResponseHeaderEncodingSelector = _ => Encoding.Latin1;
            // And request field values as Latin-1, which the origin clients send the same way (OriginHttpClientFactory).
            kestrel.RequestHeaderEncodingSelector = _ => Encoding.Latin1;
        });
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, SocketBlockMemoryPoolFactory>();
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = InlineIo.Enabled);

        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<IForwarderHttpClientFactory, OriginHttpClientFactory>();
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddTransforms(transforms =>
            {
                transforms.AddRequestTransform(HopByHopHeaders.ApplyToRequestAsync);
                transforms.AddResponseTransform(HopByHopHeaders.ApplyToResponseAsync);
                transforms.AddResponseTransform(OriginRangeEmulation.ApplyAsync);
                transforms.AddResponseTransform(MediaAwareCompressionProvider.DescribeOriginNotModifiedAsync);
                // Runs when the origin's response headers arrive: the access log's upstream time to first byte.
                transforms.AddResponseTransform(context =>
                {
                    if (context.ProxyResponse is not null)
                    {
                        context.HttpContext.Features.Get<AccessLogRecord>()?.UpstreamResponded();
                    }

                    return ValueTask.CompletedTask;
                });
                // Last: it copies the body, after every transform of the status and headers.
                transforms.AddResponseTransform(OriginResponseCopy.ApplyAsync);
            });
        builder.Services.AddSingleton<RouteResolver>();
        builder.Services.AddSingleton<IProxyConfigFilter>(services => services.GetRequiredService<RouteResolver>());
        builder.Services.AddSingleton<IConfigChangeListener, SettingsCommitListener>();
        builder.Services.AddSingleton(new Lazy<S3Clients>(() => S3ClientFactory.CreateClients(settings.S3)));
        builder.Services.AddSingleton<StorageClusterRegistry>();
        // Try: a test may have put in a clock of its own (an upload's expiry is hours away).
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ThrottleRegistry>();
        builder.Services.AddSingleton<StreamThrottles>();
        builder.Services.AddSingleton<CopyOutcomeResponder>();
        builder.Services.AddSingleton<RangedBodyWriter>();
        builder.Services.AddSingleton(settings.Cache);
        builder.Services.AddSingleton<CacheMetrics>();
        builder.Services.AddSingleton<EdgeCache>();
        builder.Services.AddSingleton<EdgeCacheBinder>();
        builder.Services.AddSingleton<ObjectDownloadHandler>();
        builder.Services.AddSingleton<PipeStage>();
        builder.Services.AddSingleton<ObjectUploadHandler>();
        builder.Services.AddSingleton<FormUploadHandler>();
        builder.Services.AddSingleton<TempFileSweeper>();
        builder.Services.AddHostedService<TempFileSweepService>();
        builder.Services.AddSingleton<UploadLocks>();
        builder.Services.AddSingleton<ResumableUploads>();
        builder.Services.AddSingleton<TusWriter>();
        builder.Services.AddSingleton<TusHandler>();
        builder.Services.AddSingleton(ResumableSweepSettings.For(settings.Policies.Values.Where(p => p.Resumable.Enabled).Select(p => p.Resumable.Expiration)));
        builder.Services.AddHostedService<ResumableSweepService>();
        builder.AddGatewayDelivery();
        builder.AddGatewayAuthentication(settings.Auth);
        builder.AddGatewayRateLimiting(settings);
        builder.Services.AddHealthChecks().AddCheck<StorageReadinessCheck>("storage", tags: ["ready"]);
        builder.AddGatewayObservability(settings.Metrics);
        builder.AddGatewayOperatorView(settings.AccessLog);

        var app = builder.Build();
        ConfigFileWatching.LogRefusedChanges(app.Configuration, app.Services.GetRequiredService<ILogger<GatewaySettingsSource>>());
        ProxyConfigCheck.ThrowIfInvalid(app.Services);
        if (toServe && settings.Policies.Values.Any(policy => policy.Cache.Enabled))
        {
            // Rebuild the cache's index now, not on the first request.
            app.Services.GetRequiredService<EdgeCache>();
        }

        // First: every request gets its access log line, including those the guards refuse.
        app.UseMiddleware<AccessLogMiddleware>();
        app.UseMiddleware<RequestFramingGuardMiddleware>();
        // tus 1.0.0: a client behind a proxy that passes only GET and POST sends PATCH, HEAD or DELETE with
        // X-HTTP-Method-Override (tus-js-client's overridePatchMethod).
        app.UseWhen(TusMethodOverride.Applies, tus => tus.Use(TusMethodOverride.ApplyAsync));
        app.UseResponseCompression();
        app.UseRouting();
        // Before authentication and every upstream call: a preflight is answered here (204), and a disallowed
        // origin simply gets no CORS headers.
        app.UseCorsWhereAsked();
        // After CORS, so that a page can read why its request target was refused; still before any endpoint runs.
        app.UseMiddleware<RequestTargetGuardMiddleware>();
        app.UseAuthorizationWhereAsked();
        // After routing: YARP routes name their RateLimiterPolicy through endpoint metadata.
        app.UseRateLimiter();
        app.UseMiddleware<AdminSurfaceGuardMiddleware>();
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") });
        app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(AdminEndpointMetadata.Instance);
        app.MapGatewayStatus();
        app.MapCachePurge();
        var routes = app.Services.GetRequiredService<RouteResolver>();
        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<StorageRequestMiddleware>();
            proxy.UseMiddleware<OriginCacheMiddleware>();
            proxy.UseMiddleware<OriginStreamMiddleware>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        }).ConfigureEndpoints((endpoint, route, cluster) => endpoint.WithMetadata(routes.Resolved(route, cluster)));
        // A path no route matches gets the same problem+json as every other error, not an empty 404.
        // "{**path}": the parameterless fallback skips paths that look like files ("/x/movie.mp4").
        app.MapFallback("{**path}", context => HopByHopHeaders.AsksAboutTheServer(context)
            ? HopByHopHeaders.AnswerOptionsAsync(context)
            : ProblemResponder.WriteAsync(context, StatusCodes.Status404NotFound, ErrorCodes.RouteNotFound,
                $"no route matches {context.Request.Method} {context.Request.Path}"));
        return app;
    }

    /// <summary><c>--config path.json</c> layers a file (e.g. one from config/) over appsettings.json.</summary>
    private static void AddConfigFileFromArguments(WebApplicationBuilder builder, string[] args)
    {
        var path = builder.Configuration["config"];
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        builder.Configuration.AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: true);
        // Environment variables and arguments still win over the file, as they do over appsettings.json.
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
    }
}
