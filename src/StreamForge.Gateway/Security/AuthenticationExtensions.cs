using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;

namespace StreamForge.Gateway.Security;

/// <summary>
/// Registers the writer authentication schemes behind one policy scheme: a Bearer token goes to JWT validation,
/// anything else to the API key handler. It authenticates where something asks for an identity (writes on
/// <c>WriteAccess: Authenticated</c> routes, the admin surface, a route's <c>AuthorizationPolicy</c>, cache purges),
/// not on every request.
/// </summary>
/// <remarks>
/// Why no default authenticate scheme: with one, ASP.NET Core's authentication middleware runs the handlers on every
/// request, and the media requests that need no identity are nearly all of them. On 1 KiB origin-route GETs that was
/// 1.5 of the 10.2 KB the gateway allocated per request (handlers, their results, the scheme lookups). The default
/// policy names the scheme instead, so YARP's <c>AuthorizationPolicy: default</c> still authenticates with it.
/// </remarks>
internal static class AuthenticationExtensions
{
    public const string Scheme = "StreamForge";

    public static WebApplicationBuilder AddGatewayAuthentication(this WebApplicationBuilder builder, AuthSettings settings)
    {
        var authentication = builder.Services.AddAuthentication(options =>
            {
                options.DefaultChallengeScheme = Scheme;
                options.DefaultForbidScheme = Scheme;
            })
            .AddPolicyScheme(Scheme, "API key or JWT bearer", options => options.ForwardDefaultSelector = context =>
                settings.HasJwt && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, options =>
            {
                options.Keys = settings.ApiKeys;
                options.HeaderName = settings.ApiKeyHeader;
            });
        if (settings.HasJwt)
        {
            authentication.AddJwtBearer(options =>
            {
                options.Authority = settings.JwtAuthority;
                options.Audience = settings.JwtAudience;
                options.MapInboundClaims = false;
                options.TokenValidationParameters.ValidIssuer = settings.JwtIssuer;
                options.TokenValidationParameters.ValidateIssuer = settings.JwtIssuer is not null || settings.JwtAuthority is not null;
                options.TokenValidationParameters.ValidateAudience = settings.JwtAudience is not null;
                if (settings.JwtSigningKey is not null)
                {
                    options.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(settings.JwtSigningKey));
                }
            });
        }

        builder.Services.AddAuthorization(options =>
            options.DefaultPolicy = new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build());
        return builder;
    }
}
