using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace StreamForge.Gateway.Security;

/// <summary>
/// Registers the writer authentication schemes behind one policy scheme: a Bearer token goes to JWT validation,
/// anything else to the API key handler. It is the default scheme, so YARP's route AuthorizationPolicy uses it too.
/// </summary>
internal static class AuthenticationExtensions
{
    public const string Scheme = "StreamForge";

    public static WebApplicationBuilder AddGatewayAuthentication(this WebApplicationBuilder builder, AuthSettings settings)
    {
        var authentication = builder.Services.AddAuthentication(Scheme)
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

        builder.Services.AddAuthorization();
        return builder;
    }
}
