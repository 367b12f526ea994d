using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>OpenTelemetry wiring: traces, metrics and logs; OTLP export driven by the standard OTEL_* variables.</summary>
internal static class ObservabilityExtensions
{
    public const string ServiceName = "streamforge-gateway";

    private const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>ASP.NET Core's built-in meters (https://learn.microsoft.com/aspnet/core/log-mon/metrics/built-in) other than Microsoft.AspNetCore.Hosting.</summary>
    private static readonly string[] AspNetCoreMeters =
    [
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Authentication",
        "Microsoft.AspNetCore.Authorization",
        "Microsoft.AspNetCore.MemoryPool",
    ];

    public static WebApplicationBuilder AddGatewayObservability(this WebApplicationBuilder builder, MetricsSettings settings)
    {
        var bounded = new MetricStreamConfiguration { CardinalityLimit = settings.CardinalityLimit };
        var instance = new GatewayInstance();
        builder.Services.AddSingleton(instance);
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddSingleton<HttpRequestMetrics>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                // ASP.NET Core's meters but its hosting one, and none of HttpClient's: the gateway records request and
                // upstream durations itself, at a fraction of their cost (HttpRequestMetrics).
                .AddMeter(AspNetCoreMeters)
                .AddMeter("System.Net.NameResolution")
                .AddRuntimeInstrumentation()
                .AddMeter(GatewayMetrics.MeterName)
                .AddView(instrument => instance.Owns(instrument) ? bounded : MetricStreamConfiguration.Drop)
                .AddPrometheusExporter());
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        // Without an endpoint the exporter would retry localhost:4317 forever; export only when asked to. Spans are
        // recorded only then too: with nobody to send them to, a recorded request span and its upstream span were
        // per-request work for nothing (W3C trace context still reaches upstreams from the client's traceparent).
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddSource(GatewayTelemetry.SourceName));
            telemetry.UseOtlpExporter();
        }
        else if (builder.Configuration[$"Logging:LogLevel:{HostingDiagnosticsCategory}"] is null)
        {
            // ASP.NET Core starts an Activity for every request while this category logs at any level, to put trace ids
            // in the request's log scope. With no tracing that Activity is recorded by nobody, yet it cost 2 KB of the
            // 8 KB a 1 KiB origin request allocated, and HttpClient then sent upstreams a traceparent of that
            // unrecorded span (a random trace id when the client sent none). Without it YARP passes the client's
            // traceparent and tracestate on unchanged (https://www.w3.org/TR/trace-context/), and invents none. Its own
            // logs are request start and end lines at Information and Debug, below the defaults; a level set for the
            // category in configuration still wins.
            builder.Logging.AddFilter(HostingDiagnosticsCategory, LogLevel.None);
        }

        return builder;
    }
}
