using Microsoft.AspNetCore.Cors.Infrastructure;
using StreamForge.Gateway.Configuration;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// ASP.NET Core's CORS middleware asks this for the policy a YARP route names (<c>CorsPolicy</c>). Policies come
/// from the current <c>StreamForge:Cors</c> settings, so a configuration reload adds and changes them like routes.
/// </summary>
internal sealed class GatewayCorsPolicyProvider(GatewaySettingsSource settings) : ICorsPolicyProvider
{
    public Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        if (policyName is null)
        {
            return Task.FromResult<CorsPolicy?>(null);
        }

        // A name only a configuration being loaded defines: YARP asks while it validates that configuration's routes.
        // A route is only ever applied together with its policy, so no request of an applied route lands here.
        return Task.FromResult(settings.Current.CorsPolicies.TryGetValue(policyName, out var policy) ? policy
            : settings.Candidate?.CorsPolicies.GetValueOrDefault(policyName));
    }
}
