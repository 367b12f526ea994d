namespace StreamForge.Gateway.Security;

/// <summary>Marks an endpoint as part of the admin surface, guarded by <see cref="AdminSurfaceGuardMiddleware"/>.</summary>
internal sealed class AdminEndpointMetadata
{
    public static AdminEndpointMetadata Instance { get; } = new();
}
