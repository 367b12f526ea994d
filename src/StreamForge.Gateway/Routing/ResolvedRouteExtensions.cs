namespace StreamForge.Gateway.Routing;

/// <summary>Reads the <see cref="ResolvedRoute"/> that <see cref="RouteResolver"/> attached to the request's endpoint.</summary>
internal static class ResolvedRouteExtensions
{
    public static ResolvedRoute GetResolvedRoute(this HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<ResolvedRoute>()
        ?? throw new InvalidOperationException($"endpoint '{context.GetEndpoint()?.DisplayName}' has no resolved route: it is not a proxy route");
}
