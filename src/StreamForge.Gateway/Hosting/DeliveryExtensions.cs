using System.IO.Compression;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Proxy;

namespace StreamForge.Gateway.Hosting;

/// <summary>What browser players need from the pipeline: text compression and per-route CORS policies.</summary>
internal static class DeliveryExtensions
{
    public static void AddGatewayDelivery(this WebApplicationBuilder builder)
    {
        // Text only (manifests, subtitles, JSON), streamed; never media, never a range (Proxy/MediaAwareCompressionProvider.cs).
        builder.Services.AddSingleton<MediaAwareCompressionProvider>();
        builder.Services.AddSingleton<IResponseCompressionProvider>(services => services.GetRequiredService<MediaAwareCompressionProvider>());
        builder.Services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.MimeTypes = CompressionSettings.MimeTypes;
            foreach (var provider in MediaAwareCompressionProvider.ProviderTypes)
            {
                options.Providers.Add(provider);
            }
        });
        // Fastest: compression runs on the request path, manifests are small, and the better ratios cost several times the CPU.
        builder.Services.Configure<BrotliCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        builder.Services.Configure<GzipCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);

        // Policies by the names YARP routes give in CorsPolicy, from the current StreamForge:Cors settings.
        builder.Services.AddCors();
        builder.Services.Replace(ServiceDescriptor.Singleton<ICorsPolicyProvider, GatewayCorsPolicyProvider>());
    }
}
