using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.Hosting;

/// <summary>The operator's view: access log, streams in flight, the status page and its JSON twin.</summary>
internal static class OperatorExtensions
{
    public static WebApplicationBuilder AddGatewayOperatorView(this WebApplicationBuilder builder, AccessLogSettings accessLog)
    {
        builder.Services.AddSingleton(accessLog);
        builder.Services.AddSingleton<AccessLogWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AccessLogWriter>());
        builder.Services.AddSingleton<LiveStreams>();
        builder.Services.AddSingleton<ErrorTally>();
        builder.Services.AddHostedService<RejectedRequestLog>();
        builder.Services.AddSingleton<StatusReport>();
        builder.Services.AddHostedService<StatusSampler>();
        return builder;
    }

    /// <summary>Maps the status endpoints; they are admin surface (loopback by default, see <see cref="AdminAccess"/>).</summary>
    public static void MapGatewayStatus(this WebApplication app)
    {
        app.MapGet(StatusEndpoints.Prefix + "/status", StatusEndpoints.WritePageAsync).WithMetadata(AdminEndpointMetadata.Instance);
        app.MapGet(StatusEndpoints.Prefix + "/status.json", (HttpContext context, StatusReport report) => StatusEndpoints.WriteJsonAsync(context, report))
            .WithMetadata(AdminEndpointMetadata.Instance);
    }
}
