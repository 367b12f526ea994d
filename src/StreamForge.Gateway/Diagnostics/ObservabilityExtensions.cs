using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace StreamForge.Gateway.Diagnostics;

/// <summary>OpenTelemetry wiring: traces, metrics and logs; OTLP export driven by the standard OTEL_* variables.</summary>
internal static class ObservabilityExtensions
{
    public const string ServiceName = "streamforge-gateway";

    public static WebApplicationBuilder AddGatewayObservability(this WebApplicationBuilder builder, MetricsSettings settings)
    {
        var bounded = new MetricStreamConfiguration { CardinalityLimit = settings.CardinalityLimit };
        var instance = new GatewayInstance();
        builder.Services.AddSingleton(instance);
        builder.Services.AddSingleton<GatewayMetrics>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
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

        return builder;
    }
}
