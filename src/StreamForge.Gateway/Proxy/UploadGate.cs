using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Cors.Infrastructure;
using StreamForge.Gateway.Configuration;
using StreamForge.Gateway.Errors;
using StreamForge.Gateway.Routing;
using StreamForge.Gateway.Security;

namespace StreamForge.Gateway.Proxy;

/// <summary>
/// Decides whether a write may start, before a byte of its body is read: the route's WriteAccess (read-only,
/// loopback, authenticated, anonymous) and its size limit. A refused request is answered here.
/// </summary>
internal static class UploadGate
{
    /// <summary>A PUT or form POST of an object: the route's gate, and a whole body only.</summary>
    public static async Task<bool> AdmitAsync(StorageRequest request)
    {
        if (!await AdmitAsync(request.Context, request.Route))
        {
            return false;
        }

        // RFC 9110 section 14.4: a server MUST answer 400 to a PUT with Content-Range. The body is part of a
        // representation, and storing it as the whole object would replace the key with a fragment.
        if (request.Context.Request.Headers.ContentRange.Count > 0)
        {
            await ProblemResponder.WriteAsync(request.Context, StatusCodes.Status400BadRequest, ErrorCodes.PartialUpload,
                "a write carries a whole object: Content-Range is not accepted (resumable uploads use tus)");
            return false;
        }

        // RFC 9110 section 15.5.16: stores keep an object's type only, so a coded body would later go out as raw bytes
        // of its type, its coding lost. Refused, with the codings that are accepted (none but identity).
        if (request.Context.Request.Headers.ContentEncoding.Any(coding => !string.Equals(coding?.Trim(), "identity", StringComparison.OrdinalIgnoreCase)))
        {
            await ProblemResponder.WriteAsync(request.Context, StatusCodes.Status415UnsupportedMediaType, ErrorCodes.ContentCodingUnsupported,
                "the body would be stored without its Content-Encoding: upload it decoded", headers => headers.AcceptEncoding = "identity");
            return false;
        }

        return true;
    }

    /// <summary>The same decision for a request that has no object key yet (a tus creation on the route's root).</summary>
    public static async Task<bool> AdmitAsync(HttpContext context, ResolvedRoute route)
    {
        var access = route.WriteAccess;
        if (access == WriteAccess.None)
        {
            await ProblemResponder.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, ErrorCodes.MethodNotAllowed,
                $"route '{route.RouteId}' is read-only", headers => headers.Allow = "GET, HEAD");
            return false;
        }

        if (access == WriteAccess.Authenticated)
        {
            var identity = await context.AuthenticateAsync(AuthenticationExtensions.Scheme);
            if (!identity.Succeeded)
            {
                await ProblemResponder.WriteAsync(context, StatusCodes.Status401Unauthorized, ErrorCodes.AuthenticationRequired,
                    $"route '{route.RouteId}' accepts writes with an API key or a bearer token",
                    headers => headers.WWWAuthenticate = "Bearer");
                return false;
            }

            context.User = identity.Principal!;
        }
        else if (!WriteAccessGuard.IsAllowed(access, context.Connection.RemoteIpAddress))
        {
            await ProblemResponder.WriteAsync(context, StatusCodes.Status403Forbidden, ErrorCodes.WritesForbidden,
                $"route '{route.RouteId}' accepts writes only from {access} clients");
            return false;
        }
        else if (access == WriteAccess.Loopback && CrossSitePageOrigin(context) is { } pageOrigin)
        {
            // The address proves the machine, not the page: any site open in the machine's browser would pass it with a
            // form POST, which needs no preflight (cross-site request forgery). A page's write counts only when it is
            // the gateway's own origin or one the route's CORS policy allows.
            await ProblemResponder.WriteAsync(context, StatusCodes.Status403Forbidden, ErrorCodes.WritesForbidden,
                $"route '{route.RouteId}' accepts writes from loopback clients, not from pages of {pageOrigin} that its CORS policy does not allow");
            return false;
        }

        var limit = route.Policy.Upload.MaxBodySize;
        var declared = context.Request.ContentLength;
        if (declared > limit)
        {
            // Refused before a byte is read: the client learns at once, and nothing reaches storage.
            await ProblemResponder.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ErrorCodes.UploadTooLarge,
                $"the body ({declared} bytes) is larger than this route's limit ({limit} bytes)");
            return false;
        }

        RequestBodyLimit.Apply(context, limit);

        RequestBodyRate.Apply(context, route.Policy.Upload);
        return true;
    }

    /// <summary>The request's Origin when a browser sent it from a page of another origin the route's CORS policy does not allow.</summary>
    private static string? CrossSitePageOrigin(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0
            || string.Equals(origin, $"{context.Request.Scheme}://{context.Request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            return null; // Not a browser page (curl, SDKs, tus clients outside a browser), or the gateway's own pages.
        }

        var policyName = context.GetEndpoint()?.Metadata.GetMetadata<IEnableCorsAttribute>()?.PolicyName;
        var policies = context.RequestServices.GetRequiredService<GatewaySettingsSource>().Current.CorsPolicies;
        return policyName is not null && policies.TryGetValue(policyName, out var policy) && (policy.AllowAnyOrigin || policy.IsOriginAllowed(origin))
            ? null
            : origin;
    }
}
