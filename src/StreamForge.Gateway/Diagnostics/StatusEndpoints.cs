namespace StreamForge.Gateway.Diagnostics;

/// <summary>The operator's status page and its JSON twin, under the admin prefix <see cref="Prefix"/>.</summary>
internal static class StatusEndpoints
{
    /// <summary>Every path under it is admin surface (the guard checks the prefix, so new endpoints inherit it).</summary>
    public const string Prefix = "/_streamforge";

    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var resource = typeof(StatusEndpoints).Assembly.GetManifestResourceStream("StreamForge.Gateway.Diagnostics.status.html")
            ?? throw new InvalidOperationException("status.html is not embedded");
        var page = new byte[resource.Length];
        resource.ReadExactly(page);
        return page;
    });

    public static Task WritePageAsync(HttpContext context)
    {
        // Everything the page needs is in it; nothing may load from elsewhere.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.ContentLength = Page.Value.Length;
        return context.Response.Body.WriteAsync(Page.Value, context.RequestAborted).AsTask();
    }

    public static Task WriteJsonAsync(HttpContext context, StatusReport report)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentType = "application/json";
        return report.WriteAsync(context.Response.Body, context.RequestAborted);
    }
}
