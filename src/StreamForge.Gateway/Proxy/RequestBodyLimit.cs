using Microsoft.AspNetCore.Http.Features;
using StreamForge.Gateway.Streaming;

namespace StreamForge.Gateway.Proxy;

/// <summary>The route's <c>Upload:MaxBodySize</c> on a request body whose size was not declared up front.</summary>
internal static class RequestBodyLimit
{
    /// <summary>
    /// Call once a declared Content-Length has been checked against <paramref name="limit"/>. A body without one is
    /// counted by its content here: Kestrel's own MaxRequestBodySize counts a chunked body's framing too, so a body
    /// sent in small chunks was refused far below the limit (1-byte chunks: at a sixth of it).
    /// </summary>
    public static void Apply(HttpContext context, long limit)
    {
        if (context.Request.ContentLength is not null)
        {
            return; // Kestrel reads exactly the declared length, already within the limit.
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        context.Request.Body = new BodySizeLimitStream(context.Request.Body, limit);
    }
}
