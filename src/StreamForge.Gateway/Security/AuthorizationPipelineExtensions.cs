using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace StreamForge.Gateway.Security;

/// <summary>
/// ASP.NET Core's authorization middleware, run only for endpoints that carry authorization metadata (YARP puts a
/// route's <c>AuthorizationPolicy</c> there), or for every endpoint when a fallback policy is set.
/// </summary>
/// <remarks>
/// Media requests that need no identity are nearly all requests. For them the authorization middleware only marked the
/// request in <c>HttpContext.Items</c> (a dictionary per request), and the authentication middleware, with no default
/// scheme to run (Security/AuthenticationExtensions.cs), only created a service scope to look up request handlers that
/// the gateway does not have: together about 1 KB of the 6 KB a 1 KiB origin-route GET allocated. Authentication needs
/// no middleware here: a policy names the gateway's scheme and the authorization middleware authenticates with it, and
/// the gateway's own checks (write access, admin surface, cache purge) call <c>AuthenticateAsync</c> themselves.
/// </remarks>
internal static class AuthorizationPipelineExtensions
{
    // What UseAuthentication and UseAuthorization set on the application (AuthAppBuilderExtensions and
    // AuthorizationAppBuilderExtensions in dotnet/aspnetcore): without them WebApplication adds both middlewares itself,
    // ahead of the whole pipeline, for every request. Were the keys ever renamed, that is all that would happen.
    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";
    private const string AuthorizationMiddlewareSetKey = "__AuthorizationMiddlewareSet";

    public static WebApplication UseAuthorizationWhereAsked(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<AuthorizationOptions>>().Value.FallbackPolicy is not null)
        {
            app.UseAuthorization();
        }
        else
        {
            app.UseWhen(AsksForAuthorization, branch => branch.UseAuthorization());
        }

        var properties = ((IApplicationBuilder)app).Properties;
        properties[AuthenticationMiddlewareSetKey] = true;
        properties[AuthorizationMiddlewareSetKey] = true;
        return app;
    }

    /// <summary>The metadata the authorization middleware builds a policy from (and the endpoint middleware checks it ran for).</summary>
    private static bool AsksForAuthorization(HttpContext context) =>
        context.GetEndpoint()?.Metadata is { } metadata
        && (metadata.GetMetadata<IAuthorizeData>() is not null
            || metadata.GetMetadata<AuthorizationPolicy>() is not null
            || metadata.GetMetadata<IAuthorizationRequirementData>() is not null);
}
