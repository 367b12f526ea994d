using Microsoft.AspNetCore.Cors.Infrastructure;
using StreamForge.Gateway.Resumable;
using StreamForge.Gateway.Uploads;

namespace StreamForge.Gateway.Configuration;

/// <summary>
/// Reads <c>StreamForge:Cors:&lt;name&gt;</c> into ASP.NET Core CORS policies, named by YARP routes' <c>CorsPolicy</c>.
/// The defaults are what browser players need (hls.js, dash.js, <c>&lt;video crossorigin&gt;</c>): GET/HEAD with
/// Range and conditionals, PUT/POST for uploads, tus's PATCH/DELETE and headers for resumable uploads (tus-js-client,
/// Uppy), and the response headers a player or uploader reads exposed.
/// </summary>
internal static class CorsPolicyReader
{
    // Date and Age: a DASH player's clock sync by HEAD (UTCTiming http-head) reads Date; Age tells how old a cached copy is.
    public static readonly string[] DefaultExposedHeaders = ["Content-Range", "Content-Length", "Accept-Ranges", "ETag", "Cache-Status", "Age", "Date", "Retry-After", .. TusHeaders.All];

    public static readonly string[] DefaultAllowedHeaders =
    [
        "Range", "If-Range", "If-None-Match", "If-Match", "If-Modified-Since", "If-Unmodified-Since", "Content-Type",
        "Authorization", "X-Api-Key", .. ExpectedChecksum.Supported, .. TusHeaders.All, TusHeaders.MethodOverride,
    ];

    public static readonly string[] DefaultAllowedMethods = ["GET", "HEAD", "PUT", "POST", "PATCH", "DELETE"];

    private static readonly string[] KnownKeys = ["AllowedOrigins", "AllowCredentials", "MaxAge", "ExposedHeaders", "AllowedHeaders", "AllowedMethods"];

    public static Dictionary<string, CorsPolicy> ReadAll(IConfigurationSection section, ConfigurationErrors errors) => errors.ReadNamed(section, Read);

    private static CorsPolicy Read(IConfigurationSection section, ConfigurationErrors errors)
    {
        errors.RejectUnknownKeys(section, KnownKeys);

        var reader = new ConfigurationReader(errors);
        var builder = new CorsPolicyBuilder()
            .WithExposedHeaders(List(section, "ExposedHeaders", DefaultExposedHeaders))
            .WithHeaders(List(section, "AllowedHeaders", DefaultAllowedHeaders))
            .WithMethods(List(section, "AllowedMethods", DefaultAllowedMethods))
            .SetPreflightMaxAge(reader.Duration(section, "MaxAge", TimeSpan.FromHours(1), TimeSpan.Zero, TimeSpan.FromDays(1)));

        var origins = List(section, "AllowedOrigins", []);
        var credentials = reader.Boolean(section, "AllowCredentials", false);
        if (origins.Length == 0)
        {
            errors.Add(ConfigurationReader.PathOf(section, "AllowedOrigins"), "required: \"*\" or a list of origins such as \"https://player.example.com\"");
        }
        else if (origins.Contains("*"))
        {
            if (credentials)
            {
                // The Fetch standard refuses credentialed responses with a wildcard origin, so this would never work.
                errors.Add(ConfigurationReader.PathOf(section, "AllowCredentials"), "cannot be true with AllowedOrigins \"*\"; list the origins instead");
            }

            builder.AllowAnyOrigin();
        }
        else
        {
            foreach (var origin in origins.Where(origin => !IsOrigin(origin)))
            {
                errors.Add(ConfigurationReader.PathOf(section, "AllowedOrigins"), $"'{origin}' is not an origin (scheme://host[:port], no path)");
            }

            // As a browser serializes an Origin (RFC 6454 section 6.1): without the scheme's default port, which it never
            // sends, so "https://player.example:443" would otherwise match nothing.
            builder.WithOrigins([.. origins.Select(origin => IsOrigin(origin) ? new Uri(origin).GetLeftPart(UriPartial.Authority) : origin)]);
        }

        if (credentials && !origins.Contains("*"))
        {
            builder.AllowCredentials();
        }

        return builder.Build();
    }

    private static bool IsOrigin(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/" && !text.EndsWith('/');

    private static string[] List(IConfigurationSection section, string key, string[] fallback)
    {
        var list = section.GetSection(key);
        if (list.Value is { } single)
        {
            return [.. single.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
        }

        var items = list.GetChildren().Select(c => c.Value).OfType<string>().ToArray();
        return items.Length > 0 ? items : fallback;
    }
}
