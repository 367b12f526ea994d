namespace StreamForge.Gateway.Resumable;

/// <summary>
/// tus 1.0.0: "The X-HTTP-Method-Override request header MUST be interpreted by the Server as the request's method if
/// present, and the actual method of the request MUST be ignored" (a client behind a proxy that passes only GET and
/// POST). ASP.NET Core's <c>UseHttpMethodOverride</c> rewrites POSTs only, so this is the gateway's own; it takes only
/// the methods tus uses.
/// </summary>
internal static class TusMethodOverride
{
    public const string Header = "X-HTTP-Method-Override";

    private static readonly string[] TusMethods = [HttpMethods.Patch, HttpMethods.Head, HttpMethods.Delete, HttpMethods.Post, HttpMethods.Options];

    /// <summary>Only tus requests: a storage route's plain POST stays a form upload.</summary>
    public static bool Applies(HttpContext context) =>
        context.Request.Headers.ContainsKey(TusHeaders.Resumable) && context.Request.Headers.ContainsKey(Header);

    public static Task ApplyAsync(HttpContext context, RequestDelegate next)
    {
        var asked = context.Request.Headers[Header].ToString();
        if (TusMethods.FirstOrDefault(method => method.Equals(asked, StringComparison.OrdinalIgnoreCase)) is { } method)
        {
            context.Request.Method = method;
        }

        return next(context);
    }
}
