using StreamForge.Gateway.Errors;

namespace StreamForge.Gateway.Security;

/// <summary>Answers 403 to clients outside <see cref="AdminAccess"/> on endpoints marked as admin. Runs after routing.</summary>
internal sealed class AdminSurfaceGuardMiddleware(RequestDelegate next, AdminAccess access)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AdminEndpointMetadata>() is null || access.Allows(context.Connection.RemoteIpAddress))
        {
            return next(context);
        }

        return ProblemResponder.WriteAsync(context, StatusCodes.Status403Forbidden, ErrorCodes.AdminForbidden,
            "the admin surface answers loopback clients and the networks in StreamForge:Admin:AllowedNetworks only");
    }
}
