using Microsoft.AspNetCore.RateLimiting;
using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.RateLimiting;

namespace StreamForge.Gateway.Hosting;

/// <summary>Registers the configured policies with ASP.NET Core's rate limiter, which YARP routes reference by name.</summary>
internal static class RateLimitingExtensions
{
    public static WebApplicationBuilder AddGatewayRateLimiting(this WebApplicationBuilder builder, GatewaySettings settings)
    {
        builder.Services.AddSingleton(new RedisConnection(settings.RedisConfiguration));
        builder.Services.AddSingleton<RedisLeaseKeeper>();
        builder.Services.AddSingleton<RateLimiterFactory>();
        builder.Services.AddSingleton(new RateLimitPolicyCatalog(settings.RateLimits));
        builder.Services.AddRateLimiter(options => options.OnRejected = RateLimitRejection.WriteAsync);
        builder.Services.AddOptions<RateLimiterOptions>().Configure<RateLimiterFactory>((options, factory) =>
        {
            foreach (var policy in settings.RateLimits.Values)
            {
                options.AddPolicy(policy.Name, new GatewayRateLimiterPolicy(policy, factory));
            }
        });
        return builder;
    }
}
