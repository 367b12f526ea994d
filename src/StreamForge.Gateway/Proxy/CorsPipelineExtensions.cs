using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Net.Http.Headers;

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
            branch => branch.Use(VaryByOrigin).UseCors().Use(DropUpstreamCorsHeaders));
        return app;
    }

    /// <summary>
    /// The route's policy alone speaks CORS: an origin's own <c>Access-Control-*</c> headers (one that reflects any
    /// Origin, or sends <c>*</c> with credentials) would otherwise reach pages the policy refuses, and a cached copy
    /// would replay one page's grant to every other. Registered after the CORS middleware's own callback, so it runs
    /// before it (response-starting callbacks run last registered first) and the policy's headers are the ones sent.
    /// </summary>
    private static Task DropUpstreamCorsHeaders(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            foreach (var name in headers.Keys.Where(name => name.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                headers.Remove(name);
            }

            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    }

    /// <summary>
    /// Every response of a CORS route says <c>Vary: Origin</c>, not only those the framework marks (several allowed
    /// origins): the CORS headers depend on the request's Origin even with one allowed origin or <c>*</c>, since a
    /// request without Origin gets none. Without it a browser cache or a CDN keeps the answer to a plain
    /// <c>&lt;video&gt;</c> or a disallowed page and replays it to a player's CORS fetch, which then fails (Fetch
    /// standard, section 3.2.5 "CORS protocol and HTTP caches").
    /// </summary>
    private static Task VaryByOrigin(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            // Field names compared whole (RFC 9110 section 12.5.5): "X-Origin-Token" is not Origin, nor is "*" listed here.
            var names = headers.Vary.SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries));
            if (!names.Any(name => name.Equals(HeaderNames.Origin, StringComparison.OrdinalIgnoreCase)))
            {
                headers.Append(HeaderNames.Vary, HeaderNames.Origin);
            }

            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    }
}
