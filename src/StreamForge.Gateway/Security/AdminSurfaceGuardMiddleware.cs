using StreamForge.Gateway.Diagnostics;
using StreamForge.Gateway.Errors;

namespace StreamForge.Gateway.Security;

/// <summary>
/// Answers 403 to clients outside <see cref="AdminAccess"/> on the admin surface: endpoints marked as admin, and every
/// path under <see cref="StatusEndpoints.Prefix"/> (mapped or not, so an endpoint added there is guarded without
/// remembering to). Runs after routing.
/// </summary>
internal sealed class AdminSurfaceGuardMiddleware(RequestDelegate next, AdminAccess access)
{
    public Task InvokeAsync(HttpContext context) => IsAdminSurface(context) ? GuardAsync(context) : next(context);

    private async Task GuardAsync(HttpContext context)
    {
        if (await access.AdmitsAsync(context))
        {
            await next(context);
            return;
        }

        await ProblemResponder.WriteAsync(context, StatusCodes.Status403Forbidden, ErrorCodes.AdminForbidden,
            access.AllowAuthenticated
                ? "the admin surface answers loopback clients, the networks in StreamForge:Admin:AllowedNetworks and authenticated clients only"
                : "the admin surface answers loopback clients and the networks in StreamForge:Admin:AllowedNetworks only");
    }

    public static bool IsAdminSurface(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<AdminEndpointMetadata>() is not null
        || context.Request.Path.StartsWithSegments(StatusEndpoints.Prefix, StringComparison.OrdinalIgnoreCase);
}
