using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Proxy;

/// <summary>The route's <c>Upload:MinBytesPerSecond</c> on a request body, storage and origin routes alike.</summary>
internal static class RequestBodyRate
{
    public static void Apply(HttpContext context, UploadPolicy upload)
    {
        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is not { } rateFeature)
        {
            return;
        }

        if (upload.MinBytesPerSecond == 0)
        {
            rateFeature.MinDataRate = null;
        }
        else if (!HttpProtocol.IsHttp2(context.Request.Protocol) && !HttpProtocol.IsHttp3(context.Request.Protocol))
        {
            // Kestrel takes a per-request rate on HTTP/1.x only (anything but null throws on HTTP/2 and 3); there it
            // measures the rate per connection, with its server-wide limit (config/README.md, Upload).
            rateFeature.MinDataRate = new MinDataRate(upload.MinBytesPerSecond, upload.MinRateGracePeriod);
        }
    }
}
