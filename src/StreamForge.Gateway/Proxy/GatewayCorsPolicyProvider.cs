using Microsoft.AspNetCore.Cors.Infrastructure;
using StreamForge.Gateway.Configuration;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// ASP.NET Core's CORS middleware asks this for the policy a YARP route names (<c>CorsPolicy</c>). Policies come
/// from the current <c>StreamForge:Cors</c> settings, so a configuration reload adds and changes them like routes.
/// </summary>
internal sealed class GatewayCorsPolicyProvider(GatewaySettingsSource settings) : ICorsPolicyProvider
{
    public Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName) =>
        Task.FromResult(policyName is not null && settings.Current.CorsPolicies.TryGetValue(policyName, out var policy) ? policy : null);
}
