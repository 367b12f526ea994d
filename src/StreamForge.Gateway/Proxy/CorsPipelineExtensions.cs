using Microsoft.AspNetCore.Cors.Infrastructure;

namespace StreamForge.Gateway.Proxy;

/// <summary>ASP.NET Core's CORS middleware, run only for endpoints with CORS metadata (a YARP route's <c>CorsPolicy</c>).</summary>
/// <remarks>
/// The gateway has no default CORS policy (<see cref="GatewayCorsPolicyProvider"/> answers only for the names routes
/// give), so elsewhere the middleware did nothing, at a cost on every request: it marks each routed request in
/// <c>HttpContext.Items</c> (a dictionary per request) and takes its policy provider from the request's services (a
/// service scope per request), about 400 of the 5,200 bytes a 1 KiB origin-route GET allocated. The endpoint checks
/// that mark only for endpoints with CORS metadata, which still get the middleware.
/// </remarks>
internal static class CorsPipelineExtensions
{
    public static WebApplication UseCorsWhereAsked(this WebApplication app)
    {
        app.UseWhen(
            context => context.GetEndpoint()?.Metadata.GetMetadata<ICorsMetadata>() is not null,
            branch => branch.UseCors());
        return app;
    }
}
